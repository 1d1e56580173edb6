"""Every document type rendered from a realistic context; its text read back with pypdf.

Page 1 of each is written to test-artifacts/documents/<type>.png for a person to look at.
"""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from documents import rendering
from documents.benchmark import render_notice_seconds
from documents.samples import SAMPLE_CONTEXTS
from documents.types import DOC_TYPES

HOLDER = "广东粤电送变电工程有限公司"
CREDIT_CODE = "91440101MA5CXXXX0K"
CODE = "ABCDEFGHJKMNPQRS"


def render(code: str, **overrides) -> bytes:
    kind = DOC_TYPES[code]
    context = kind.hydrate(kind.clean({**SAMPLE_CONTEXTS[code], **overrides.pop("context", {})}))
    platform = {
        "doc_type": kind,
        "agency_name": "南方能源监管局",
        "header_name": "",
        "holder_name": HOLDER,
        "credit_code": CREDIT_CODE,
        "number": f"南方能监{kind.number_prefix}〔2026〕12号",
        "issued_on": dt.date(2026, 3, 4),
        "verification_code": CODE,
        **overrides,
    }
    return rendering.render_pdf(kind, {**context, **rendering.platform_context(**platform)})


def text_of(pdf: bytes) -> str:
    """All pages' text without whitespace: pypdf breaks lines where the PDF does."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def fonts_of(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def write_png(pdf: bytes, target) -> None:
    if not shutil.which("pdftoppm"):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    source = target.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(target.with_suffix("")),
        ],
        check=True,
        timeout=60,
    )


def expected_strings(code: str) -> list[str]:
    """Names, numbers and dates of the sample context as they must read on the page."""
    context = DOC_TYPES[code].hydrate(DOC_TYPES[code].clean(SAMPLE_CONTEXTS[code]))
    out = []
    for value in context.values():
        if isinstance(value, dt.date):
            out.append(f"{value.year}年{value.month}月{value.day}日")
        elif (
            isinstance(value, str)
            and code != "credit_repair_decision"
            and value not in {"approved", "serious"}
        ):
            out.append(value)
        elif isinstance(value, list):
            for item in value:
                out.extend(item.values() if isinstance(item, dict) else [item])
    return [squash(s) for s in out if s]


@pytest.mark.parametrize("code", DOC_TYPES)
def test_each_type_renders_with_its_content(code, artifacts_dir):
    pdf = render(code)
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    kind = DOC_TYPES[code]
    assert squash(kind.title) in text or code == "licence_certificate"
    assert f"南方能监{kind.number_prefix}〔2026〕12号" in text
    assert "南方能源监管局" in text
    assert HOLDER in text
    assert "2026年3月4日" in text  # the date of issue
    assert "ABCD-EFGH-JKMN-PQRS" in text  # the verification code
    for expected in expected_strings(code):
        assert expected in text, (code, expected)
    write_png(pdf, artifacts_dir / "documents" / f"{code}.png")


@pytest.mark.parametrize("code", DOC_TYPES)
def test_text_is_set_in_noto_cjk(code):
    """Real CJK glyphs: every font in the PDF is Noto Serif CJK (or its compact copy), embedded."""
    names = fonts_of(render(code))
    assert names
    assert all("DocSerif" in name or "Noto" in name for name in names), names


def test_a_character_outside_gb2312_falls_back_to_the_full_font():
    name = "广州堃䶮电力工程有限公司"  # 堃 and 䶮 are not in GB 2312
    with pytest.raises(UnicodeEncodeError):
        name.encode("gb2312")
    pdf = render("acceptance_notice", holder_name=name)
    assert name in text_of(pdf)
    assert any("Noto" in font for font in fonts_of(pdf))


def test_certificate_shows_the_licence_facts():
    text = text_of(render("licence_certificate", context={"scope": "110千伏及以下电压等级电力设施的安装"}))
    for fact in ("承装（修、试）电力设施许可证", "6-2-00417-2026", CREDIT_CODE, "承装类四级", "承试类五级"):
        assert squash(fact) in text
    assert "自2026年3月25日至2032年3月24日" in text
    assert "110千伏及以下电压等级电力设施的安装" in text


def test_correction_notice_lists_every_missing_item():
    pdf = render("correction_notice")
    text = text_of(pdf)
    assert "一次性告知" in text
    assert "共4项" in text
    for item in SAMPLE_CONTEXTS["correction_notice"]["missing_items"]:
        assert squash(item["name"]) in text and squash(item["requirement"]) in text


# Seed 003 附件2-2 … 2-4: the fixed text, word for word.
SEED_FIXED_TEXT = {
    "tolerant_commitment": [
        "申请容缺受理。现就相关事宜作出如下承诺，并愿意承担法律责任：",
        "一、所作承诺是真实意思表示；",
        "二、已经知晓行政审批部门告知的全部内容；",
        "三、提供的所有申请材料真实有效；",
        "日前（申请容缺受理之日起10日内）补正下列材料：",
        "五、愿意承担失信产生的后果。",
        "承诺人（签字或盖章）：",
        "法定代表人（签字）：",
        "受托人（签字）：",
        "统一社会信用代码（或组织机构代码）",
    ],
    "tolerant_correction_notice": [
        "申请人：",
        "尚有以下非关键性材料缺少或存在缺陷：",
        "根据本部门（或单位）容缺受理材料清单和工作机制，在你出具《申请容缺受理承诺书》后，"
        "本部门（或单位）可先予受理，并进入审核程序；在你的容缺补正材料送达后，按承诺日完成办理工作。"
        "如逾期未送达容缺补正材料，将终止办理工作，退还已经收取的材料。",
        "特此通知。",
        "（盖章）",
        "经办人：",
    ],
    "tolerant_termination_notice": [
        "行政审批事项并作出相应承诺，因",
        "，经研究，我单位决定终止办理你（单位）本次申请的该项行政审批事项。",
        "特此通知。",
        "单位（公章）",
    ],
}


@pytest.mark.parametrize("code", SEED_FIXED_TEXT)
def test_tolerant_acceptance_documents_follow_seed_003_word_for_word(code):
    text = text_of(render(code))
    for sentence in SEED_FIXED_TEXT[code]:
        assert squash(sentence) in text, sentence


def test_commitment_date_fills_the_seed_blanks():
    text = text_of(render("tolerant_commitment"))
    assert "四、在2026年3月14日前（申请容缺受理之日起10日内）补正下列材料：" in text
    assert "（一）电气专业中级职称人员张伟、赵磊的职称证书" in text


def test_termination_notice_reads_as_the_seed_sentence():
    text = text_of(render("tolerant_termination_notice"))
    assert (
        "你（单位）于2026年3月4日申请办理承装（修、试）电力设施许可证新申请行政审批事项并作出相应承诺，"
        "因你（单位）未在承诺期限内补正全部容缺材料，经研究，我单位决定终止办理你（单位）本次申请的该项行政审批事项。"
    ) in text


def test_penalty_amount_in_figures_and_words():
    text = text_of(render("penalty_decision"))
    assert "罚款合计人民币30,000.00元（大写：叁万元整）" in text
    assert "百分之三加处罚款" in text


def test_denied_credit_repair_says_so():
    text = text_of(render("credit_repair_decision", context={"outcome": "denied"}))
    assert "决定不予信用修复" in text
    assert "申请行政复议" in text
    assert "决定准予信用修复" not in text


def test_superseding_version_names_the_document_it_replaces():
    text = text_of(render("acceptance_notice", version=2, supersedes_number="南方能监许受〔2026〕11号"))
    assert "本文书为更正后的第2版，替代原文书南方能监许受〔2026〕11号" in text


def test_deemed_acceptance_cites_article_32():
    text = text_of(render("acceptance_notice", context={"deemed_accepted": True}))
    assert "自收到申请材料之日起即为受理" in text


def test_the_qr_code_carries_the_verification_address(settings):
    settings.DOCUMENTS_VERIFY_BASE_URL = "https://zzxk.example.gov.cn"
    assert rendering.verify_url(CODE) == f"https://zzxk.example.gov.cn/verify/{CODE}"
    text = text_of(render("acceptance_notice"))
    assert f"https://zzxk.example.gov.cn/verify/{CODE}" in text


def test_user_text_cannot_inject_markup():
    text = text_of(
        render("acceptance_notice", context={"application_kind": '<img src="file:///etc/passwd">新申请'})
    )
    assert '<imgsrc="file:///etc/passwd">' in text  # printed as text, not fetched


def test_benchmark_helper_returns_seconds():
    seconds = render_notice_seconds()
    assert isinstance(seconds, float) and seconds > 0


def test_without_the_compact_fonts_the_system_fonts_are_used(monkeypatch):
    from documents import fonts

    monkeypatch.setattr(fonts, "compact_fonts", lambda: {})
    monkeypatch.setattr(rendering, "_stylesheet", None)
    pdf = render("acceptance_notice")
    assert HOLDER in text_of(pdf)
    assert all("Noto" in name for name in fonts_of(pdf))


def test_compact_fonts_are_built_once(tmp_path):
    from documents import fonts

    first = fonts._build("normal", tmp_path)
    if first is None:
        pytest.skip("Noto Serif CJK SC is not installed")
    stamp = first.stat().st_mtime_ns
    assert fonts._build("normal", tmp_path) == first
    assert first.stat().st_mtime_ns == stamp
    assert first.stat().st_size < 5_000_000
