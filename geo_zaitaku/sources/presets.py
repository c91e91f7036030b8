"""Presets: how to read the facility files users actually have.

A preset is a small TOML file that maps the canonical fields (``name``, ``lat``,
``lon``, ``municipality_code``, ``address``, ...) to a source's header names, gives
constants (``kind = "clinic"`` for a clinic file), value mappings (a source's
service types to :data:`geo_zaitaku.labels.KINDS`) and says how to read the
coordinates. The built-in presets live in ``geo_zaitaku/data/presets/``; a user
writes their own in the same form and passes the file (``--preset my.toml``)::

    [preset]
    name = "my_city"                      # required
    title = "○○市 医療機関一覧"
    detect = ["施設正式名称", "fX", "fY"]  # headers that identify the layout (optional)
    files = ["iryou_*.csv"]               # file names (optional; see detect_preset)
    credit = "出典：○○市オープンデータを加工して作成"
    address_only = false                  # true: a file with only an address column is read

    [columns]                              # field = header, or [headers] (first present wins)
    name = "施設正式名称"
    lon = "fX"
    lat = "fY"
    address = ["所在地", "住所"]

    [constants]                            # for rows where no column gives a value
    kind = "clinic"

    [values.kind]                          # source value -> canonical value
    "医科診療所" = "clinic"

    [coordinates]
    crs = "EPSG:6668"         # default; a projected CRS (e.g. EPSG:6670) is converted
    zero_is_missing = true    # 0.0, 0.0 means "no coordinates" (default)
    order = "latlon"          # for a single `point` column "33.1,130.7" (or "lonlat")

Besides the canonical fields, ``prefecture_code`` (a two-digit column joined with a
three-digit ``municipality_code``, as in 医療情報ネット, or a prefecture's name),
``point`` (latitude and longitude in one cell) and ``postcode`` (郵便番号, used to place
rows without coordinates) may be mapped.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import importlib.resources
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from geo_zaitaku import labels, schema
from geo_zaitaku._cells import clean_header
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import read_input_bytes, toml_error

#: Canonical facility fields a preset may map (the canonical CSV's columns).
CANONICAL_FIELDS = schema.CANONICAL_FIELDS
#: Source-only fields: combined into canonical ones while reading, or used to place
#: rows (``prefecture_code``: a prefecture code or name; ``postcode``: 郵便番号).
EXTRA_FIELDS = ("prefecture_code", "point", "postcode")
#: Every field a preset's ``[columns]`` may name.
FIELDS = (*CANONICAL_FIELDS, *EXTRA_FIELDS)
#: Fields that may not be constants (one value for every row makes no sense for them).
_NO_CONSTANT = ("id", "name", "lat", "lon", "point", "address", "phone", "url", "postcode")
#: The preset used when none is given and none is recognised.
DEFAULT = "canonical"
ORDERS = ("latlon", "lonlat")
_TABLES = {
    "preset": ("name", "title", "description", "files", "detect", "credit", "address_only"),
    "columns": FIELDS,
    "constants": tuple(f for f in FIELDS if f not in _NO_CONSTANT),
    "values": FIELDS,
    "coordinates": ("crs", "zero_is_missing", "order"),
}


@dataclass(frozen=True, eq=False)
class Preset:
    """How to read one layout of facility file.

    Attributes
    ----------
    name
        Identifier (``"mhlw_clinic"``); shown in the import log.
    title
        Human-readable name (Japanese first).
    description
        What files the preset is for.
    columns
        Field -> header names (normalised with :func:`geo_zaitaku._cells.clean_header`);
        the first present in a file is used.
    constants
        Field -> value for rows where no column gives one.
    values
        Field -> {source value (NFKC, lower case) -> canonical value}.
    files
        File-name patterns (``fnmatch``, case-insensitive). A preset with patterns is
        chosen automatically only for a file whose name matches.
    detect
        Header names that must all be present for the preset to be chosen
        automatically (normalised). Empty: never chosen automatically.
    crs
        CRS of the coordinates (``None``: JGD2011 / WGS84 longitude and latitude).
    zero_is_missing
        Whether ``0, 0`` means "no coordinates".
    order
        Order of the two numbers of a ``point`` column: ``"latlon"`` or ``"lonlat"``.
    address_only
        Whether a file with an address column but neither coordinates nor codes may
        be read (rows placed by the municipality named at the start of the address).
    credit
        Source credit line to print with the data (licence terms such as PDL 1.0).
    source
        The TOML file read (``"built-in"`` for the package's presets).
    overrides
        Columns and constants given on the command line, as ``field=value`` texts.
    required
        Fields whose column was named on the command line: the file must have it.
    """

    name: str
    title: str = ""
    description: str = ""
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    constants: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    values: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    files: tuple[str, ...] = ()
    detect: tuple[str, ...] = ()
    crs: str | None = None
    zero_is_missing: bool = True
    order: str = "latlon"
    address_only: bool = False
    credit: str = ""
    source: str = "built-in"
    overrides: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Name plus the command-line overrides, for logs."""
        if not self.overrides:
            return self.name
        return labels.IMPORT_TEXT["preset_overrides"].format(
            name=self.name, overrides=", ".join(self.overrides)
        )

    def header_names(self) -> tuple[str, ...]:
        """Every header name the preset knows (for finding the header row)."""
        return tuple(dict.fromkeys(n for names in self.columns.values() for n in names))

    def matches_header(self, header: Iterable[str]) -> bool:
        """Whether every :attr:`detect` name is in ``header`` (normalised names)."""
        return bool(self.detect) and set(self.detect) <= set(header)

    def matches_file(self, filename: str) -> bool:
        """Whether the file name matches one of :attr:`files`."""
        name = filename.lower()
        return any(fnmatch.fnmatch(name, p.lower()) for p in self.files)

    def with_overrides(
        self,
        columns: Mapping[str, str | None] | None = None,
        constants: Mapping[str, str | None] | None = None,
        *,
        crs: str | None = None,
    ) -> Preset:
        """A copy with some columns or constants replaced (the generic CSV options).

        Parameters
        ----------
        columns
            Field -> header name; ``None`` values are ignored.
        constants
            Field -> constant value; ``None`` values are ignored.
        crs
            CRS of the coordinates, when given.

        Raises
        ------
        InputError
            An unknown field, or a CRS pyproj does not know.
        """
        cols = dict(self.columns)
        consts = dict(self.constants)
        notes = list(self.overrides)
        required = list(self.required)
        address_only = self.address_only
        for f, header in (columns or {}).items():
            if header is None:
                continue
            _check_field(f, FIELDS, "columns", None)
            cols[f] = (clean_header(header),)
            notes.append(f"{f}={header}")
            required.append(f)
            address_only = address_only or f == "address"
        for f, value in (constants or {}).items():
            if value is None:
                continue
            _check_field(f, _TABLES["constants"], "constants", None)
            consts[f] = str(value)
            notes.append(f"{f}={value}")
        if crs is not None:
            _check_crs(crs, None, "--crs")
            notes.append(f"crs={crs}")
        return replace(
            self,
            columns=MappingProxyType(cols),
            constants=MappingProxyType(consts),
            crs=crs if crs is not None else self.crs,
            address_only=address_only,
            overrides=tuple(notes),
            required=tuple(dict.fromkeys(required)),
        )


# --- loading -------------------------------------------------------------------------


def preset_from_dict(data: Mapping[str, object], *, source: str | Path = "<dict>") -> Preset:
    """Build and validate a preset from parsed TOML.

    The tables are read in turn (``[preset]``, ``[columns]``, ``[constants]``,
    ``[values]``, ``[coordinates]``); the first problem found stops the reading.

    Raises
    ------
    InputError
        Unknown tables or keys (with the closest known name), wrong value types, no
        ``name`` mapping, no location column, an unknown CRS.
    """
    src = str(source)
    for table in data:
        if table not in _TABLES:
            raise _unknown(table, _TABLES, src, "")
    head, name = _preset_head(data, src)
    columns = _preset_columns(data, src)
    constants = _preset_constants(data, src)
    values = _preset_values(data, src)
    crs, zero_is_missing, order = _preset_coordinates(data, src)
    address_only = _flag(head, "address_only", False, src, "[preset] address_only")
    return Preset(
        name=name,
        title=_text(head, "title", src),
        description=_text(head, "description", src),
        columns=MappingProxyType(columns),
        constants=MappingProxyType(constants),
        values=MappingProxyType(values),
        files=tuple(_strings(head.get("files", []), src, "[preset] files", allow_empty=True)),
        detect=tuple(
            clean_header(h)
            for h in _strings(head.get("detect", []), src, "[preset] detect", allow_empty=True)
        ),
        crs=crs,
        zero_is_missing=zero_is_missing,
        order=order,
        address_only=address_only,
        credit=_text(head, "credit", src),
        source=src,
    )


def _preset_head(data: Mapping[str, object], src: str) -> tuple[Mapping[str, object], str]:
    """The ``[preset]`` table and the preset's name."""
    head = _table(data, "preset", src)
    for key in head:
        _check_field(key, _TABLES["preset"], "preset", src)
    name = head.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(labels.error("preset_no_name"), path=src, where="[preset]")
    return head, name.strip()


def _preset_columns(data: Mapping[str, object], src: str) -> dict[str, tuple[str, ...]]:
    """``[columns]``: field -> header names; a name column and a location are required."""
    columns: dict[str, tuple[str, ...]] = {}
    for f, value in _table(data, "columns", src).items():
        _check_field(f, FIELDS, "columns", src)
        columns[f] = tuple(clean_header(n) for n in _strings(value, src, f"[columns] {f}"))
    if "name" not in columns:
        raise InputError(labels.error("preset_no_name_column"), path=src, where="[columns]")
    if ("lat" in columns) != ("lon" in columns):
        raise InputError(labels.error("preset_lat_without_lon"), path=src, where="[columns]")
    if not ({"lat", "point", "municipality_code", "address"} & set(columns)):
        raise InputError(labels.error("preset_no_location"), path=src, where="[columns]")
    return columns


def _preset_constants(data: Mapping[str, object], src: str) -> dict[str, str]:
    """``[constants]``: field -> the value for rows where no column gives one."""
    constants: dict[str, str] = {}
    for f, value in _table(data, "constants", src).items():
        _check_field(f, _TABLES["constants"], "constants", src)
        constants[f] = _scalar(value, src, f"[constants] {f}")
    return constants


def _preset_values(data: Mapping[str, object], src: str) -> dict[str, Mapping[str, str]]:
    """``[values.<field>]``: source value (normalised) -> canonical value."""
    values: dict[str, Mapping[str, str]] = {}
    for f, table in _table(data, "values", src).items():
        _check_field(f, FIELDS, "values", src)
        if not isinstance(table, dict):
            raise InputError(
                labels.error("preset_values_not_table", field=f), path=src, where=f"[values.{f}]"
            )
        values[f] = MappingProxyType(
            {value_key(k): _scalar(v, src, f"[values.{f}] {k}") for k, v in table.items()}
        )
    return values


def _preset_coordinates(data: Mapping[str, object], src: str) -> tuple[str | None, bool, str]:
    """``[coordinates]``: (crs, zero_is_missing, order)."""
    coords = _table(data, "coordinates", src)
    for key in coords:
        _check_field(key, _TABLES["coordinates"], "coordinates", src)
    crs = coords.get("crs")
    if crs is not None:
        if not isinstance(crs, str):
            raise InputError(labels.error("preset_crs_not_text"), path=src, where="[coordinates] crs")
        _check_crs(crs, src, "[coordinates] crs")
    zero_is_missing = _flag(coords, "zero_is_missing", True, src, "[coordinates] zero_is_missing")
    order = coords.get("order", "latlon")
    if order not in ORDERS:
        raise InputError(labels.error("preset_bad_order", order=order), path=src, where="[coordinates] order")
    return crs, zero_is_missing, order


def _flag(table: Mapping[str, object], key: str, default: bool, src: str, where: str) -> bool:
    """A true/false setting of a preset table."""
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise InputError(labels.error("preset_not_bool", setting=where), path=src, where=where)
    return value


def load_preset_file(path: str | Path) -> Preset:
    """Read and validate a user's preset TOML.

    Raises
    ------
    InputError
        Missing file, a path refused by :func:`geo_zaitaku._io.check_input_path` (a
        folder, a FIFO, a NUL byte, a name too long), invalid TOML (with line and
        column), or an invalid preset.
    """
    path = Path(path)
    try:
        raw = read_input_bytes(path, what=labels.FILES["preset"])
    except InputError as exc:
        if isinstance(exc.__cause__, FileNotFoundError | NotADirectoryError):
            raise InputError(
                labels.error("preset_file_not_found", builtin=", ".join(builtin_names())),
                path=path,
            ) from None
        raise
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(labels.error("preset_not_utf8"), path=path) from exc
    except (tomllib.TOMLDecodeError, RecursionError) as exc:  # (arrays nested thousands deep)
        raise InputError(
            labels.error("preset_bad_toml", error=toml_error(exc), error_en=exc), path=path
        ) from None
    return preset_from_dict(data, source=path)


@functools.cache
def builtin_presets() -> tuple[Preset, ...]:
    """The presets shipped in ``geo_zaitaku/data/presets`` (sorted by name)."""
    folder = importlib.resources.files("geo_zaitaku") / "data" / "presets"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            out.append(preset_from_dict(data, source=f"built-in:{entry.name}"))
    return tuple(out)


def builtin_names() -> tuple[str, ...]:
    """Names of the built-in presets."""
    return tuple(p.name for p in builtin_presets())


def builtin(name: str) -> Preset:
    """A built-in preset by name.

    Raises
    ------
    InputError
        No built-in preset has that name (the message lists them).
    """
    for p in builtin_presets():
        if p.name == name:
            return p
    close = difflib.get_close_matches(name, builtin_names(), n=1)
    hint = labels.ERROR_PARTS["did_you_mean"].format(name=close[0]) if close else ""
    raise InputError(labels.error("preset_unknown", name=name, hint=hint, builtin=", ".join(builtin_names())))


def resolve_preset(spec: str | Path | Preset | None) -> Preset | None:
    """Turn ``--preset``'s value into a preset: a built-in name or a TOML file.

    ``None`` stays ``None`` (detect per file).
    """
    if spec is None or isinstance(spec, Preset):
        return spec
    text = str(spec).strip()
    if text in builtin_names():
        return builtin(text)
    path = Path(text)
    if path.suffix.lower() == ".toml" or "/" in text or "\\" in text or "\0" in text or _exists(path):
        return load_preset_file(path)
    return builtin(text)


def _exists(path: Path) -> bool:
    """Whether ``path`` names something (a name too long to look up counts: the file
    reader then says what is wrong with it)."""
    try:
        return path.exists()
    except OSError:
        return True


def detect_preset(header: Iterable[str], filename: str = "") -> Preset:
    """Choose the built-in preset for a file from its header and name.

    A preset is a candidate when all its :attr:`Preset.detect` headers are present
    and, if it lists :attr:`Preset.files` patterns, the file name matches one. Among
    candidates the one whose file pattern matches wins, then the one with most
    ``detect`` headers. Without a candidate the canonical preset is used.

    Parameters
    ----------
    header
        The file's header names (normalised).
    filename
        The file's name (for the patterns).
    """
    names = set(header)
    best: Preset | None = None
    best_key = (False, 0)
    for p in builtin_presets():
        if not p.matches_header(names):
            continue
        by_file = p.matches_file(filename)
        if p.files and not by_file:
            continue
        key = (by_file, len(p.detect))
        if best is None or key > best_key:
            best, best_key = p, key
    return best if best is not None else builtin(DEFAULT)


def value_key(value: object) -> str:
    """Normalise a source value for the ``[values]`` tables (NFKC, stripped, lower case)."""
    import unicodedata

    return unicodedata.normalize("NFKC", str(value)).strip().lower()


# --- validation helpers --------------------------------------------------------------


def _table(data: Mapping[str, object], key: str, src: str) -> Mapping[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputError(labels.error("preset_not_table", key=key), path=src, where=f"[{key}]")
    return value


def _unknown(key: str, known: Iterable[str], src: str | None, where: str) -> InputError:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = labels.ERROR_PARTS["did_you_mean"].format(name=close[0]) if close else ""
    place = where or labels.ERROR_PARTS["top_level"]
    return InputError(
        labels.error("preset_unknown_key", place=place, key=key, hint=hint, known=", ".join(known)),
        path=src,
        where=f"{where} {key}".strip(),
    )


def _check_field(name: str, known: Sequence[str], table: str, src: str | None) -> None:
    if name not in known:
        raise _unknown(name, known, src, f"[{table}]")


def _strings(value: object, src: str, where: str, *, allow_empty: bool = False) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if (
        not isinstance(items, list)
        or not all(isinstance(v, str) and v.strip() for v in items)
        or (not items and not allow_empty)
    ):
        raise InputError(
            labels.error("preset_not_strings", where=where),
            path=src,
            where=where,
        )
    return [v.strip() for v in items]


def _scalar(value: object, src: str, where: str) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str | int | float):
        return str(value)
    raise InputError(
        labels.error("preset_not_scalar", where=where),
        path=src,
        where=where,
    )


def _text(head: Mapping[str, object], key: str, src: str) -> str:
    value = head.get(key, "")
    if not isinstance(value, str):
        raise InputError(
            labels.error("preset_not_text", key=key),
            path=src,
            where=f"[preset] {key}",
        )
    return value


def _check_crs(crs: str, src: str | None, where: str) -> None:
    import pyproj

    try:
        pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise InputError(
            labels.error("unknown_crs", crs=crs),
            path=src,
            where=where,
        ) from exc


def preset_from_options(
    preset: str | Path | Preset | None,
    *,
    columns: Mapping[str, str | None] | None = None,
    constants: Mapping[str, str | None] | None = None,
    crs: str | None = None,
) -> Preset | None:
    """The preset meant by the command-line options.

    ``--preset`` alone gives that preset (``None``: detect per file). Column options
    (``--name-col`` ...), ``--kind`` or ``--crs`` adjust the given preset, or the
    canonical one when none is given.
    """
    base = resolve_preset(preset)
    given = {k: v for k, v in (columns or {}).items() if v is not None}
    consts = {k: v for k, v in (constants or {}).items() if v is not None}
    if not given and not consts and crs is None:
        return base
    base = base if base is not None else builtin(DEFAULT)
    return base.with_overrides(given, consts, crs=crs)
