"""``geo-zaitaku design areas|hubs``: propose areas and hub sites by exact optimisation."""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs

if TYPE_CHECKING:
    from geo_zaitaku.design.areas import AreaDesign


@click.group()
def design() -> None:
    """圏域と拠点を提案する（厳密な最適化） / propose areas and hub sites.

    \b
    areas  すべての点検（連続性・積極的医療機関・連携拠点）を満たす圏域の組み方
    hubs   連携拠点（--role key なら積極的医療機関）に指定する施設
    """


@dataclass(frozen=True)
class DesignTask:
    """One design run (a batch task: plain, picklable data)."""

    inputs: PlanInputs
    options: object
    level: str
    basemap: bool
    command: str
    target: Path


def design_task(task: DesignTask) -> tuple[AreaDesign, int | None, dict[str, bytes], tuple[Path, ...]]:
    """Check the inputs, design, check the proposal; return the design, the proposal's
    number of errors, the output files and the files read."""
    from geo_zaitaku.batch import files_of
    from geo_zaitaku.design.areas import design_areas
    from geo_zaitaku.design.output import proposed_run, write_design
    from geo_zaitaku.maps import area_map, comparison_map
    from geo_zaitaku.pipeline import input_paths
    from geo_zaitaku.scenarios import compare_runs

    run = task.inputs.run(level=task.level)
    result = design_areas(run, task.options)
    check = proposed_run(result) if result.areas else None

    def write(folder: Path) -> None:
        write_design(result, folder, command=task.command, check=check, paths_from=task.target)
        if check is not None:
            if result.options.mode == "repair":
                cmp = compare_runs(run, check)
                doc = comparison_map(check, cmp, basemap=task.basemap)
            else:
                doc = area_map(check, basemap=task.basemap)
            doc.save(folder / "design_map.html")

    return result, None if check is None else len(check.report.errors), files_of(write), input_paths(run)


@design.command("areas")
@plan_inputs(optional=True, travel_time=True)
@click.option(
    "--mode",
    type=click.Choice(["repair", "count", "max"]),
    default="repair",
    show_default=True,
    help="repair（最小の修正）・count（--areas 個）・max（最多の圏域） / what to optimise.",
)
@click.option(
    "--areas", "n_areas", type=int, default=None, help="圏域の数（--mode count） / number of areas."
)
@click.option("--min-pop", type=float, default=None, help="各圏域の人口の下限 / smallest area population.")
@click.option("--max-pop", type=float, default=None, help="各圏域の人口の上限 / largest area population.")
@click.option(
    "--nest",
    default=None,
    metavar="COLUMN",
    help="越えない参照レイヤの列（例: secondary_medical_area） / reference layer not to cross.",
)
@click.option(
    "--keep",
    default=None,
    metavar="COLUMN",
    help="なるべく合わせる参照レイヤの列（例: health_center） / reference layer to follow.",
)
@click.option(
    "--keep-weight",
    type=float,
    default=1.0,
    show_default=True,
    help="--keep の1市区町村あたりの重み / weight per unit off --keep.",
)
@click.option(
    "--reach",
    type=click.Choice(["off", "soft", "hard"]),
    default="off",
    show_default=True,
    help="reach_km を超える市区町村: off（問わない）・soft（罰則）・hard（禁止） / reach constraint.",
)
@click.option(
    "--time-limit",
    type=float,
    default=60.0,
    show_default=True,
    help="最適化の制限時間（秒） / solver time limit (s).",
)
@click.option(
    "--keep-areas", is_flag=True, default=False, help="repair: 元の圏域をなくさない / keep every area."
)
@click.option(
    "--level",
    type=click.Choice(["municipality", "ward"]),
    default=None,
    help="単位（既定: municipality。--plan を指定したときはその計画の [plan] units）: 市区町村（政令市は市）か、"
    "政令市を区に分けるか / municipalities, or designated cities by ward (default: municipality, or the --plan's units).",
)
@opt.out_option(folder="./out/<計画ファイル名>/design/")
@opt.no_basemap_opt
@opt.engine_opts
@opt.quiet_opt
def areas(
    inputs: PlanInputs,
    mode: str,
    n_areas: int | None,
    min_pop: float | None,
    max_pop: float | None,
    nest: str | None,
    keep: str | None,
    keep_weight: float,
    reach: str,
    time_limit: float,
    keep_areas: bool,
    level: str | None,
    out: Path | None,
    no_basemap: bool,
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
) -> int:
    """すべての点検を満たす圏域を提案する / propose areas that pass every check.

    \b
    --mode repair（--plan が必要）: 移す市区町村が最も少なく（同数なら移す人口が少なく）、
      すべての圏域が連続し、積極的医療機関と連携拠点の最小数を満たす修正案。
    --mode count --areas K: ちょうど K 圏域で、各市区町村から同じ圏域の最寄りの積極的医療機関
      までの距離（人口で重み付け）が最小の案。
    --mode max: すべての点検を満たす最も多い圏域数の案。
    連続性は各圏域の中心（積極的医療機関のある市区町村）からの流れで表し、境界を共有する
    市区町村と [[links]] の橋・航路だけを通ります（HiGHS による混合整数計画、最適性を証明）。
    OUT（既定 ./out/<計画ファイル名>/design/）に plan.toml（編集して check できる計画）・design.json・
    design.md・design_map.html。条件を満たす案がないときは理由を示して終了コード 1。
    """
    from geo_zaitaku import InputError, labels
    from geo_zaitaku.batch import engine_from_options
    from geo_zaitaku.design.problem import DesignOptions
    from geo_zaitaku.outputs import staged

    if mode == "repair" and inputs.plan is None:
        raise InputError(labels.error("repair_needs_plan"), where="--plan")
    options = DesignOptions(
        mode=mode,
        areas=n_areas,
        min_pop=min_pop,
        max_pop=max_pop,
        nest=nest,
        keep=keep,
        keep_weight=keep_weight,
        reach=reach,
        time_limit=time_limit,
        keep_areas=keep_areas,
    )
    if inputs.plan is not None:
        planned = _plan_level(inputs.plan)
        if level is not None and level != planned:  # the plan's units are the design's
            raise InputError(labels.error("design_level_plan", level=level, planned=planned), where="--level")
        level = planned
    level = level or "municipality"
    engine = engine_from_options(workers, scheduler, progress=not quiet)
    command = (
        "geo-zaitaku " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        if sys.argv[1:]
        else "geo-zaitaku design areas"
    )
    target = out if out is not None else inputs.out_dir() / "design"
    prefectures = _batch_prefectures(inputs)
    if prefectures is not None:
        tasks = [
            DesignTask(
                replace(inputs, pref=None, prefecture=code),
                options,
                level,
                not no_basemap,
                command,
                (target / _folder(code) if len(prefectures) > 1 else target).resolve(),
            )
            for code in prefectures
        ]
        return _design_batch(tasks, inputs, target, engine, quiet=quiet)
    task = DesignTask(inputs, options, level, not no_basemap, command, target.resolve())
    [(result, errors, files, read)] = engine.map(design_task, [task], label="design")
    _output.print_design(result, errors, quiet=quiet)
    with staged(target, inputs=(*inputs.paths(), *read), command="design areas") as stage:
        for name, data in files.items():
            stage.path(name).write_bytes(data)
    _output.print_written(stage.written)
    return 0 if result.areas else 1


def _batch_prefectures(inputs: PlanInputs) -> tuple[str, ...] | None:
    """The prefectures of a ``--pref`` batch (several, ``all``, or one cut from
    ``--units``), or ``None`` for a single run."""
    from geo_zaitaku import InputError, labels
    from geo_zaitaku.codes import prefecture_codes

    if inputs.pref is None:
        return None
    codes = prefecture_codes(inputs.pref)
    if len(codes) == 1 and not inputs.units:
        return None
    if inputs.plan is not None:
        raise InputError(labels.error("design_batch_plan"), path=inputs.plan, where="--plan")
    if not inputs.units:
        from geo_zaitaku.sources.fetch import DEFAULT_YEAR, require_cached

        for code in codes:  # every prefecture is there before any task starts
            require_cached(code, inputs.year or DEFAULT_YEAR)
    return codes


def _folder(code: str) -> str:
    from geo_zaitaku.codes import PREFECTURES

    return f"{code}_{PREFECTURES[code]}"


def _design_batch(
    tasks: list[DesignTask], inputs: PlanInputs, target: Path, engine: object, *, quiet: bool
) -> int:
    """Run one design task per prefecture; write each into its folder and a summary."""
    from geo_zaitaku._io import write_csv
    from geo_zaitaku.design.output import batch_summary
    from geo_zaitaku.outputs import staged

    done = engine.map(design_task, tasks, label="design")
    rows = []
    for task, (result, errors, _files, _read) in zip(tasks, done, strict=True):
        rows.append((task.inputs.prefecture, result, errors))
        _output.print_design(result, errors, quiet=True, prefix=_folder(task.inputs.prefecture))
    summary = batch_summary(rows)
    read = tuple(p for *_, r in done for p in r)
    with staged(target, inputs=(*inputs.paths(), *read), command="design areas") as stage:
        for task, (_result, _errors, files, _read) in zip(tasks, done, strict=True):
            folder = Path(_folder(task.inputs.prefecture)) if len(tasks) > 1 else Path()
            for name, data in files.items():
                stage.path(folder / name).write_bytes(data)
        write_csv(stage.path("design_summary.csv"), summary)
    _output.print_written(stage.written)
    return 0 if all(result.areas for result, *_ in done) else 1


def _plan_level(plan: Path) -> str:
    from geo_zaitaku.plan import read_plan

    return read_plan(plan).level


@design.command("hubs")
@plan_inputs(travel_time=True)
@click.option(
    "--role",
    type=click.Choice(["hub", "key"]),
    default="hub",
    show_default=True,
    help="連携拠点か積極的医療機関か / hubs or key institutions.",
)
@click.option(
    "--candidates",
    default=None,
    metavar="KINDS|FILE",
    help="候補: 種別（カンマ区切り）か、施設IDの列 id のある CSV / candidate kinds or id CSV.",
)
@click.option(
    "--cover-km",
    type=float,
    default=None,
    help="拠点から何 km 以内の人口を数えるか（既定: reach_km） / coverage distance.",
)
@click.option(
    "--max-new",
    type=int,
    default=None,
    help="新たに指定する施設の上限（最大被覆問題になります） / most new designations.",
)
@click.option(
    "--time-limit",
    type=float,
    default=60.0,
    show_default=True,
    help="最適化の制限時間（秒） / solver time limit (s).",
)
@opt.out_option(folder="./out/<計画ファイル名>/hubs/")
@opt.no_basemap_opt
@opt.quiet_opt
def hubs(
    inputs: PlanInputs,
    role: str,
    candidates: str | None,
    cover_km: float | None,
    max_new: int | None,
    time_limit: float,
    out: Path | None,
    no_basemap: bool,
    quiet: bool,
) -> int:
    """連携拠点（--role key なら積極的医療機関）に指定する施設を提案する / hub siting.

    \b
    hub: 各圏域が max(最小数, ⌈人口 ÷ people_per_hub⌉) か所の連携拠点を持つよう、候補
      （既定: 病院・診療所・訪問看護・医師会・保健所・市町村）から最も少ない数を選びます
      （同数なら --cover-km 以内の人口が多い方）。--max-new N で上限を付けると、上限の中で
      必要数の不足を最も少なくし、次に --cover-km 以内の人口が最も多くなる選び方
      （最大被覆問題）になります。
    key: すべての市区町村が同じ圏域の積極的医療機関から reach_km 以内になるよう、最も少ない
      在宅療養支援診療所・病院を選びます（集合被覆問題）。
    OUT（既定 ./out/<計画ファイル名>/hubs/）に hubs.csv・hubs.json・hubs_scenario.toml（geo-zaitaku
    scenario で確かめられる指定）・hubs_map.html。
    """
    from geo_zaitaku import labels
    from geo_zaitaku.design.hubs import SitingOptions, read_candidate_ids, site, write_siting
    from geo_zaitaku.maps import Marks, area_map
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.pipeline import input_paths

    ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    extra: tuple[Path, ...] = ()
    if candidates is not None:
        path = Path(candidates)
        if path.suffix.lower() in (".csv", ".tsv", ".txt", ".xlsx", ".zip") or path.exists():
            ids, extra = read_candidate_ids(path), (path,)
        else:
            kinds = tuple(k.strip() for k in candidates.split(",") if k.strip())
    options = SitingOptions(
        role=role,
        candidates=kinds,
        candidate_ids=ids,
        cover_km=cover_km,
        max_new=max_new,
        time_limit=time_limit,
    )
    run = inputs.run()
    result = site(run, options)
    _output.print_siting(result, quiet=quiet)
    t = labels.DESIGN_HUBS
    marks = Marks(name=t["layer"], facilities={d.id: t["tip"].format(why=d.why) for d in result.new})
    target = out if out is not None else inputs.out_dir() / "hubs"
    with staged(target, inputs=(*inputs.paths(), *input_paths(run), *extra), command="design hubs") as stage:
        write_siting(result, stage.dir)
        area_map(run, marks=marks, basemap=not no_basemap, title=f"{t['map_title']}: {run.plan.name}").save(
            stage.path("hubs_map.html")
        )
    _output.print_written(stage.written)
    # an area short of candidates (without a --max-new budget): the needs cannot all be met
    unmet = result.shortfall > 0 and options.max_new is None
    return 0 if result.status in ("optimal", "feasible") and not unmet else 1
