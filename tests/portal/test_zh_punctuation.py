"""Chinese strings use Chinese punctuation: no ASCII , ( ) : ; next to a Chinese character."""

import gettext
import re

import pytest
from django.conf import settings

CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]"
# What may keep its ASCII punctuation: placeholders, template variables, tags, URLs, code.
ALLOWED = re.compile(
    r"%\([a-z_0-9]+\)[sdif]|%[sd]|\{[^{}]*\}|https?://\S+|<code>.*?</code>|<[^>]+>|`[^`]*`"
)
ASCII_NEXT_TO_CJK = re.compile(rf"{CJK}\s*[,():;]|[,():;]\s*{CJK}")


def offending(text: str) -> bool:
    return bool(ASCII_NEXT_TO_CJK.search(ALLOWED.sub("\u2060", text)))


def test_the_check_sees_ascii_punctuation_and_lets_placeholders_be():
    assert offending("赫尔辛基与北京(2019—2023年)")
    assert offending("名称: %(name)s")
    assert offending("活动, 项目")
    assert not offending("赫尔辛基与北京（2019—2023年）")
    assert not offending("%(city)s方：%(name)s")
    assert not offending("请在请求头 <code>Authorization: Bearer</code> 后接令牌")
    assert not offending("详见 https://example.org/a,b 。")


def _catalogue():
    path = settings.BASE_DIR / "locale/zh_Hans/LC_MESSAGES/django.mo"
    if not path.exists():
        pytest.skip("no compiled zh_Hans catalogue")
    with path.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog


def test_the_chinese_catalogue_uses_chinese_punctuation():
    bad = {str(key): text for key, text in _catalogue().items() if key and offending(text)}
    assert bad == {}
