"""Turn a document's context into PDF bytes: Django template → HTML → WeasyPrint.

Pure (no database writes); `documents.services.document_render` stores what this returns.
The FontConfiguration is built once per process and reused: fontconfig's scan of the system fonts
is the expensive part of a first render. Only data: URLs and the font files are fetched, so a
document can never reach the network or the rest of the file system while rendering.
"""

from __future__ import annotations

import base64
import io
import threading
import time

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from documents import fonts
from documents.types import DocType

_font_config: FontConfiguration | None = None
_stylesheet: CSS | None = None
_lock = threading.Lock()


def font_config() -> FontConfiguration:
    global _font_config
    with _lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        return _font_config


def stylesheet() -> CSS:
    """The print style, parsed once per process: parsing it per document took longer than the
    layout itself. Per-document values live in the small <style> of print/base.html."""
    global _stylesheet
    config = font_config()
    with _lock:
        if _stylesheet is None:
            # Noto Serif CJK SC (Debian fonts-noto-cjk), regular and bold only: every extra face
            # is one more font subset per PDF. documents.fonts explains the compact copies.
            stack = fonts.font_stack()
            css = render_to_string(
                "documents/print/style.css",
                {"fonts": {"body": stack, "title": stack}, "font_faces": fonts.font_face_css()},
            )
            _stylesheet = CSS(string=css, font_config=config, url_fetcher=_Fetcher())
        return _stylesheet


def verify_url(code: str) -> str:
    return settings.DOCUMENTS_VERIFY_BASE_URL.rstrip("/") + reverse("documents:verify", args=[code])


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def qr_data_uri(text: str) -> str:
    # A fixed mask pattern: choosing the "best" of the eight (all valid, ISO/IEC 18004 §7.8)
    # costs more than the rest of the QR code, for no gain at this size.
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=1, mask_pattern=0
    )
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_html(doc_type: DocType, context: dict) -> str:
    return render_to_string(doc_type.template, context)


class _Fetcher(URLFetcher):
    """data: URLs (the QR code) and the compact font files; nothing else, never the network."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file"})
        self.allowed_files = {path.as_uri() for path in fonts.compact_fonts().values()}

    def fetch(self, url, headers=None):
        if url.startswith("file:") and url not in self.allowed_files:
            raise ValueError(f"documents may not read {url}")
        return super().fetch(url, headers)


def render_pdf(doc_type: DocType, context: dict) -> bytes:
    """`context`: the hydrated caller context plus the platform's keys (types.RESERVED_KEYS)."""
    html = render_html(doc_type, context)
    return HTML(string=html, url_fetcher=_Fetcher()).write_pdf(
        stylesheets=[stylesheet()],
        font_config=font_config(),
        pdf_identifier=context["verification_code"].encode("ascii"),
    )


def platform_context(
    *,
    doc_type: DocType,
    agency_name: str,
    header_name: str,
    holder_name: str,
    credit_code: str,
    number: str,
    issued_on,
    verification_code: str,
    version: int = 1,
    supersedes_number: str = "",
) -> dict:
    url = verify_url(verification_code)
    return {
        "agency_name": agency_name,
        "header_name": header_name or agency_name,
        "holder_name": holder_name,
        "credit_code": credit_code,
        "document_number": number,
        "document_title": doc_type.title,
        "issued_on": issued_on,
        "verification_code": verification_code,
        "display_code": display_code(verification_code),
        "verify_url": url,
        "qr_data_uri": qr_data_uri(url),
        "version": version,
        "supersedes_number": supersedes_number,
    }


def timed_render(doc_type: DocType, context: dict) -> tuple[bytes, float]:
    started = time.perf_counter()
    pdf = render_pdf(doc_type, context)
    return pdf, time.perf_counter() - started
