"""Local government codes (全国地方公共団体コード, JIS X 0402) and designated cities.

Codes are always text: five digits (two for the prefecture, three for the
municipality), optionally written with a sixth check digit. A designated city's own
code (熊本市 43100) cannot be derived from its ward codes by arithmetic in every case
(浜松市's wards changed in 2024), so the cities are listed here by name.
"""

from __future__ import annotations

import re
import unicodedata
from types import MappingProxyType

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError

PREFECTURES: MappingProxyType[str, str] = MappingProxyType(
    {
        "01": "北海道", "02": "青森県", "03": "岩手県", "04": "宮城県", "05": "秋田県",
        "06": "山形県", "07": "福島県", "08": "茨城県", "09": "栃木県", "10": "群馬県",
        "11": "埼玉県", "12": "千葉県", "13": "東京都", "14": "神奈川県", "15": "新潟県",
        "16": "富山県", "17": "石川県", "18": "福井県", "19": "山梨県", "20": "長野県",
        "21": "岐阜県", "22": "静岡県", "23": "愛知県", "24": "三重県", "25": "滋賀県",
        "26": "京都府", "27": "大阪府", "28": "兵庫県", "29": "奈良県", "30": "和歌山県",
        "31": "鳥取県", "32": "島根県", "33": "岡山県", "34": "広島県", "35": "山口県",
        "36": "徳島県", "37": "香川県", "38": "愛媛県", "39": "高知県", "40": "福岡県",
        "41": "佐賀県", "42": "長崎県", "43": "熊本県", "44": "大分県", "45": "宮崎県",
        "46": "鹿児島県", "47": "沖縄県",
    }
)  # fmt: skip
"""Prefecture code (2 digits) -> name."""

#: The 20 designated cities (政令指定都市): (prefecture code, city name) -> city code.
DESIGNATED_CITIES: MappingProxyType[tuple[str, str], str] = MappingProxyType(
    {
        ("01", "札幌市"): "01100", ("04", "仙台市"): "04100", ("11", "さいたま市"): "11100",
        ("12", "千葉市"): "12100", ("14", "横浜市"): "14100", ("14", "川崎市"): "14130",
        ("14", "相模原市"): "14150", ("15", "新潟市"): "15100", ("22", "静岡市"): "22100",
        ("22", "浜松市"): "22130", ("23", "名古屋市"): "23100", ("26", "京都市"): "26100",
        ("27", "大阪市"): "27100", ("27", "堺市"): "27140", ("28", "神戸市"): "28100",
        ("33", "岡山市"): "33100", ("34", "広島市"): "34100", ("40", "北九州市"): "40100",
        ("40", "福岡市"): "40130", ("43", "熊本市"): "43100",
    }
)  # fmt: skip

_DIGITS = re.compile(r"^\d+$")


def check_digit(code5: str) -> str:
    """Return the check digit (検査数字) of a five-digit code.

    Parameters
    ----------
    code5
        Five digits, e.g. ``"43100"``.

    Returns
    -------
    str
        One digit: ``(11 - sum(d_i * w_i) mod 11) mod 10`` with weights 6, 5, 4, 3, 2.

    Examples
    --------
    >>> check_digit("43100")
    '1'
    """
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def normalize_code(value: object) -> str | None:
    """Normalise a municipality code written in any of the usual ways.

    Accepts ``43100``, ``"43100"``, ``"431001"`` (with check digit), ``"4310"``
    (leading zero lost by a spreadsheet: prefectures 01-09),
    full-width digits, and floats such as ``43100.0`` written by spreadsheets.

    Parameters
    ----------
    value
        The raw cell value.

    Returns
    -------
    str or None
        The five-digit code, or ``None`` when the value is empty or not a code.
        A six-digit value whose last digit is not the correct check digit gives ``None``.
    """
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text or not _DIGITS.match(text):
        return None
    if len(text) == 4:
        text = "0" + text
    elif len(text) == 6:
        if check_digit(text[:5]) != text[5]:
            return None
        text = text[:5]
    if len(text) != 5 or text.startswith("00"):
        return None
    return text


def prefecture_code(pref: int | str) -> str:
    """Return the two-digit code of a prefecture given by code or name.

    Parameters
    ----------
    pref
        ``43``, ``"43"``, ``"４３"``, ``"熊本県"`` or ``"熊本"``.

    Returns
    -------
    str
        ``"01"`` ... ``"47"``.

    Raises
    ------
    InputError
        Not a prefecture.

    Examples
    --------
    >>> prefecture_code("熊本県"), prefecture_code(1)
    ('43', '01')
    """
    if isinstance(pref, int) and not isinstance(pref, bool):
        text = str(pref)
    elif isinstance(pref, str):
        text = unicodedata.normalize("NFKC", pref).strip()
    else:
        text = repr(pref)
    if text.isascii() and text.isdigit() and len(text) <= 2:
        code = text.zfill(2)
        if code in PREFECTURES:
            return code
    for code, name in PREFECTURES.items():
        if text == name or (name != "北海道" and text == name[:-1]):
            return code
    raise InputError(
        labels.error("unknown_prefecture", pref=str(pref)),
        where="--pref",
    )


def prefecture_codes(text: str) -> tuple[str, ...]:
    """The prefectures of ``--pref``: one, several separated by commas, or ``all``.

    Examples
    --------
    >>> prefecture_codes("43"), prefecture_codes("熊本県,長崎"), len(prefecture_codes("all"))
    (('43',), ('43', '42'), 47)
    """
    if unicodedata.normalize("NFKC", text).strip().lower() == "all":
        return tuple(PREFECTURES)
    parts = [t for t in unicodedata.normalize("NFKC", text).replace("、", ",").split(",") if t.strip()]
    if not parts:
        raise InputError(labels.error("unknown_prefecture", pref=text), where="--pref")
    return tuple(dict.fromkeys(prefecture_code(t) for t in parts))


def designated_city_code(pref_code: str, city_name: str | None) -> str | None:
    """Return the code of a designated city given its prefecture and name, else ``None``."""
    if not city_name:
        return None
    return DESIGNATED_CITIES.get((pref_code, city_name.strip()))


def normalize_name(value: str) -> str:
    """Normalise a place or facility name for matching: NFKC, no spaces of any width."""
    return "".join(unicodedata.normalize("NFKC", value).split())
