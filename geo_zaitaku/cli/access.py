"""``geo-zaitaku access``: two-step floating catchment accessibility (2SFCA / E2SFCA)."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs


@click.command()
@plan_inputs()
@click.option(
    "--supply",
    default="key",
    show_default=True,
    help="供給: key（積極的医療機関）・hub・種別（カンマ区切り）.",
)
@click.option(
    "--demand",
    type=click.Choice(["population", "pop_65over", "pop_75over", "patients"]),
    default="population",
    show_default=True,
    help="需要: 人口・65歳以上・75歳以上・在宅医療の推計患者数（patients、--demand-year の年）.",
)
@click.option(
    "--demand-year", "demand_year", type=int, default=None, help="patients の年（将来推計人口から。省略時は国勢調査の人口）."
)
@click.option("--projection", type=opt.PathParam(dir_okay=False), default=None, help="将来推計人口CSV.")
@click.option("--catchment-km", type=float, default=None, help="圏の大きさ（既定: 計画の reach_km）.")
@click.option(
    "--method", type=click.Choice(["2sfca", "e2sfca", "gaussian"]), default="2sfca", show_default=True
)
@click.option(
    "--steps", default=None, metavar="D:W,...", help="e2sfca の段階の重み（既定 10:1,20:0.68,30:0.22）."
)
@click.option("--sigma", type=float, default=None, help="gaussian の幅（既定: 圏の半分）.")
@click.option(
    "--scenario",
    "scenario_file",
    type=opt.PathParam(dir_okay=False),
    default=None,
    help="シナリオを当てた前後を比べる.",
)
@opt.out_opt
@opt.no_basemap_opt
@opt.quiet_opt
def access(
    inputs: PlanInputs,
    supply: str,
    demand: str,
    demand_year: int | None,
    projection: Path | None,
    catchment_km: float | None,
    method: str,
    steps: str | None,
    sigma: float | None,
    scenario_file: Path | None,
    out: Path | None,
    no_basemap: bool,
    quiet: bool,
) -> int:
    """在宅医療へのアクセス（2段階浮動集水域法） / accessibility (2SFCA, E2SFCA).

    \b
    各市区町村について、圏内（--catchment-km、既定は計画の reach_km）の供給（--supply）を、
    その供給の圏内の需要（--demand）で割った比の和を、需要1万あたりで求めます（2SFCA）。
    --method e2sfca は距離帯ごとの重み、gaussian は距離による減衰。--scenario を付けると
    シナリオを当てる前と後を比べます。OUT（既定 ./out/<計画名>/access/）に access.csv
    （市区町村別）・access_areas.csv（圏域別、需要で重み付けた平均）・access.json・access_map.html。
    """
    from geo_zaitaku.maps import access_map
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.pipeline import input_paths
    from geo_zaitaku.scenarios.access import measure_access, weighting, write_access

    run = inputs.run()
    catchment = run.plan.config.reach_km if catchment_km is None else catchment_km
    if not (catchment > 0 and catchment < float("inf")):
        from geo_zaitaku import InputError

        raise InputError(
            "--catchment-km は正の有限の数にしてください。 / must be > 0.", where="--catchment-km"
        )
    weights = weighting(method, steps=steps, sigma=sigma, catchment=catchment)
    values = _demand_values(run, demand, demand_year, projection)
    kwargs = {
        "supply": supply,
        "demand": demand,
        "demand_values": values,
        "catchment": catchment,
        "weights": weights,
    }
    before = None
    if scenario_file is not None:
        from geo_zaitaku.scenarios import run_scenario

        before = measure_access(run, **kwargs)
        run = run_scenario(run, scenario_file).after
    result = measure_access(run, **kwargs)
    _output.print_access(result, before=before, quiet=quiet)
    target = out if out is not None else inputs.out_dir() / "access"
    sources = (*inputs.paths(), *input_paths(run), *(p for p in (projection, scenario_file) if p is not None))
    with staged(target, inputs=sources, command="access") as stage:
        write_access(result, stage.dir, before=before)
        access_map(run, result, basemap=not no_basemap).save(stage.path("access_map.html"))
    _output.print_written(stage.written)
    return 0


def _demand_values(run: object, demand: str, year: int | None, projection: Path | None):  # noqa: ANN202
    """Expected patients per unit when ``--demand patients``; else ``None`` (the units' column)."""
    if demand != "patients":
        return None
    from geo_zaitaku.demand import estimate_demand

    result = estimate_demand(run, projection=projection, years=[year] if year is not None else ()).result
    period = f"{year}年" if year is not None else result.periods[0]
    units = result.units[result.units["period"] == period]
    return units.set_index("code")["patients"]
