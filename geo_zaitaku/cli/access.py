"""``geo-zaitaku access``: two-step floating catchment accessibility (2SFCA / E2SFCA)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs

if TYPE_CHECKING:
    from geo_zaitaku.scenarios.access import AccessResult


@dataclass(frozen=True)
class AccessTask:
    """One plan's accessibility run (a batch task: plain, picklable data)."""

    inputs: PlanInputs
    supply: str
    demand: str
    demand_year: int | None
    projection: Path | None
    catchment_km: float | None
    method: str
    steps: str | None
    sigma: float | None
    scenario: Path | None
    basemap: bool
    capacity_col: str | None = None
    catchment_min: float | None = None


def access_task(
    task: AccessTask,
) -> tuple[AccessResult, AccessResult | None, dict[str, bytes], tuple[Path, ...]]:
    """Check the plan, measure access (before and after the scenario, if any), and
    return the results, the output files and the files read."""
    from geo_zaitaku import InputError, labels
    from geo_zaitaku.batch import files_of
    from geo_zaitaku.maps import access_map
    from geo_zaitaku.pipeline import input_paths
    from geo_zaitaku.scenarios.access import capacity_column, measure_access, weighting, write_access

    run = task.inputs.run()
    read = input_paths(run)
    from geo_zaitaku.config import MAX_REACH_KM, MAX_REACH_MIN

    catchment = _catchment(run, task)
    if task.method == "e2sfca" and task.catchment_km is None and task.catchment_min is None:
        # the steps end the catchment (PySAL's steps 10/20/30 reach 30, not the plan's reach_km)
        catchment = weighting("e2sfca", steps=task.steps, catchment=math.inf).reach
    limit, option = (
        (MAX_REACH_MIN, "--catchment-min") if run.measure == "min" else (MAX_REACH_KM, "--catchment-km")
    )
    if not (0 < catchment <= limit):  # as the plan's reach_km / reach_min
        raise InputError(
            labels.error("access_bad_catchment", option=option, limit=f"{limit:,.0f}"), where=option
        )
    weights = weighting(task.method, steps=task.steps, sigma=task.sigma, catchment=catchment)
    values = _demand_values(run, task.demand, task.demand_year, task.projection)
    kwargs: dict[str, Any] = {
        "supply": task.supply,
        "demand": task.demand,
        "demand_values": values,
        "catchment": catchment,
        "weights": weights,
        "capacity": None if task.capacity_col is None else capacity_column(run, task.capacity_col),
    }
    before = None
    if task.scenario is not None:
        from geo_zaitaku.scenarios import run_scenario

        before = measure_access(run, **kwargs)
        run = run_scenario(run, task.scenario).after
    result = measure_access(run, **kwargs)

    def write(folder: Path) -> None:
        write_access(result, folder, before=before)
        access_map(run, result, basemap=task.basemap).save(folder / "access_map.html")

    return result, before, files_of(write), read


@click.command()
@plan_inputs(many=True, travel_time=True)
@click.option(
    "--supply",
    default="key",
    show_default=True,
    help="供給: key（積極的医療機関）・hub・種別（カンマ区切り） / supply: key, hub or kinds.",
)
@click.option(
    "--demand",
    type=click.Choice(["population", "pop_65over", "pop_75over", "patients"]),
    default="population",
    show_default=True,
    help="需要: 人口・65歳以上・75歳以上・在宅医療の推計患者数（patients、--demand-year の年） / demand.",
)
@click.option(
    "--demand-year",
    "demand_year",
    type=int,
    default=None,
    help="patients の年（将来推計人口から。省略時は国勢調査の人口） / year of the projected demand.",
)
@click.option(
    "--projection",
    type=opt.PathParam(dir_okay=False),
    default=None,
    help="将来推計人口CSV / population projection CSV.",
)
@click.option(
    "--capacity-col",
    default=None,
    metavar="COLUMN",
    help="供給量の列（施設CSVの見出し。病床数・職員数など）。省略時は1施設を1 / supply capacity column.",
)
@click.option(
    "--catchment-km",
    type=float,
    default=None,
    help="圏の大きさ km（既定: 計画の reach_km。e2sfca は最後の段階） / catchment in km (e2sfca: the last step).",
)
@click.option(
    "--catchment-min",
    type=opt.FiniteFloatRange(min=0, min_open=True, max=1_440),
    default=None,
    help="--travel-time のときの圏の大きさ 分（既定: reach_min。e2sfca は最後の段階） / catchment in minutes (e2sfca: the last step).",
)
@click.option(
    "--method",
    type=click.Choice(["2sfca", "e2sfca", "gaussian"]),
    default="2sfca",
    show_default=True,
    help="距離の重み: 2sfca（圏内は同じ）・e2sfca（段階）・gaussian / distance weighting.",
)
@click.option(
    "--steps",
    default=None,
    metavar="D:W,...",
    help="e2sfca の段階の重み（既定 10:1,20:0.68,30:0.22） / e2sfca step weights.",
)
@click.option("--sigma", type=float, default=None, help="gaussian の幅（既定: 圏の半分） / gaussian width.")
@click.option(
    "--scenario",
    "scenario_file",
    type=opt.PathParam(dir_okay=False),
    default=None,
    help="シナリオを当てた前後を比べる / compare before and after a scenario.",
)
@opt.out_option(folder="./out/<計画ファイル名>/access/")
@opt.no_basemap_opt
@opt.engine_opts
@opt.quiet_opt
def access(
    inputs: PlanInputs,
    plans: tuple[PlanInputs, ...],
    supply: str,
    demand: str,
    demand_year: int | None,
    projection: Path | None,
    capacity_col: str | None,
    catchment_km: float | None,
    catchment_min: float | None,
    method: str,
    steps: str | None,
    sigma: float | None,
    scenario_file: Path | None,
    out: Path | None,
    no_basemap: bool,
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
) -> int:
    """在宅医療へのアクセス（2段階浮動集水域法） / accessibility (2SFCA, E2SFCA).

    \b
    各市区町村について、圏内（--catchment-km、既定は計画の reach_km）の供給（--supply）を、
    その供給の圏内の需要（--demand）で割った比の和を、需要1万あたりで求めます（2SFCA）。
    --method e2sfca は距離帯ごとの重み、gaussian は距離による減衰。--scenario を付けると
    シナリオを当てる前と後を比べます。OUT（既定 ./out/<計画ファイル名>/access/）に access.csv
    （市区町村別）・access_areas.csv（圏域別、需要で重み付けた平均）・access.json・access_map.html。
    計画を複数指定するとそれぞれ OUT/<計画ファイル名>/ に書き、--workers・--scheduler で Dask に分けて実行します。
    """
    from geo_zaitaku.batch import engine_from_options
    from geo_zaitaku.outputs import distinct_names, staged

    engine = engine_from_options(workers, scheduler, progress=not quiet)
    tasks = [
        AccessTask(
            plan,
            supply,
            demand,
            demand_year,
            projection,
            catchment_km,
            method,
            steps,
            sigma,
            scenario_file,
            not no_basemap,
            capacity_col,
            catchment_min,
        )
        for plan in plans
    ]
    extra = tuple(p for p in (projection, scenario_file) if p is not None)
    names = distinct_names(p.plan or Path("plan") for p in plans)  # x/plan.toml, y/plan.toml: two folders
    for name, task, (result, before, files, read) in zip(
        names, tasks, engine.map(access_task, tasks, label="access"), strict=True
    ):
        _output.print_access(result, before=before, quiet=quiet)
        target = (Path("out") / name / "access") if out is None else (out / name if len(plans) > 1 else out)
        with staged(target, inputs=(*task.inputs.paths(), *read, *extra), command="access") as stage:
            for name, data in files.items():
                stage.path(name).write_bytes(data)
        _output.print_written(stage.written)
    return 0


def _catchment(run: object, task: AccessTask) -> float:
    """The catchment in the run's measure: ``--catchment-min`` with ``--travel-time``,
    else ``--catchment-km``; by default the plan's reach threshold (for ``e2sfca``, the
    caller takes the last step's bound instead)."""
    from geo_zaitaku import InputError, labels

    if run.measure == "min":
        if task.catchment_km is not None:
            raise InputError(labels.error("travel_time_catchment_km"), where="--catchment-km")
        return run.plan.config.reach_min if task.catchment_min is None else task.catchment_min
    if task.catchment_min is not None:
        raise InputError(labels.error("catchment_min_needs_travel_time"), where="--catchment-min")
    return run.plan.config.reach_km if task.catchment_km is None else task.catchment_km


def _demand_values(run: object, demand: str, year: int | None, projection: Path | None):  # noqa: ANN202
    """Expected patients per unit when ``--demand patients``; else ``None`` (the units' column)."""
    if demand != "patients":
        return None
    from geo_zaitaku.demand import estimate_demand

    result = estimate_demand(run, projection=projection, years=[year] if year is not None else ()).result
    period = f"{year}年" if year is not None else result.periods[0]
    units = result.units[result.units["period"] == period]
    return units.set_index("code")["patients"]
