from geo_zaitaku import codes


def test_check_digit_known_codes():
    # 熊本市 431001, 札幌市 011002, 千代田区 131016, 北海道 010006
    assert codes.check_digit("43100") == "1"
    assert codes.check_digit("01100") == "2"
    assert codes.check_digit("13101") == "6"
    assert codes.check_digit("01000") == "6"


def test_normalize_code_variants():
    assert codes.normalize_code("43204") == "43204"
    assert codes.normalize_code(43204) == "43204"
    assert codes.normalize_code(43204.0) == "43204"
    assert codes.normalize_code("432041") == "43204"  # with check digit
    assert codes.normalize_code("１１００") == "01100"  # full width, lost leading zero
    assert codes.normalize_code(" 01100 ") == "01100"


def test_normalize_code_rejects():
    assert codes.normalize_code("432049") is None  # wrong check digit
    assert codes.normalize_code("玉名市") is None
    assert codes.normalize_code("") is None
    assert codes.normalize_code(None) is None
    assert codes.normalize_code(float("nan")) is None
    assert codes.normalize_code("00123") is None


def test_designated_cities_table_has_twenty_cities():
    assert len(codes.DESIGNATED_CITIES) == 20
    assert codes.designated_city_code("43", "熊本市") == "43100"
    assert codes.designated_city_code("22", "浜松市") == "22130"
    assert codes.designated_city_code("43", "玉名市") is None
