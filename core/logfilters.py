"""Personal data never reaches a log line: a logging filter that masks resident ID numbers (18
characters) and mainland mobile numbers (11 digits) in every record, its arguments and its traceback."""

from __future__ import annotations

import logging
import re

# Not inside a longer run of digits: an 18-digit licence number or a 20-digit serial stays whole.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_personal_data(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logged as it is, still masked
            message = str(record.msg)
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
