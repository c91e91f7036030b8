"""What-if questions over a checked plan.

- :mod:`~geo_zaitaku.scenarios.changes`: a scenario file (closures, new designations,
  new facilities, moved municipalities, other thresholds) applied to a check run;
- :mod:`~geo_zaitaku.scenarios.compare`: one comparison of two check runs (a scenario's
  before and after, or two plans over the same inputs);
- :mod:`~geo_zaitaku.scenarios.robustness`: single points of failure and random
  closures, exact where a closed form exists;
- :mod:`~geo_zaitaku.scenarios.access`: two-step floating catchment accessibility.
"""

from geo_zaitaku.scenarios.changes import (
    ScenarioRun,
    ScenarioSpec,
    apply_scenario,
    read_scenario,
    run_scenario,
)
from geo_zaitaku.scenarios.compare import Comparison, compare_plans, compare_runs, write_comparison

__all__ = [
    "Comparison",
    "ScenarioRun",
    "ScenarioSpec",
    "apply_scenario",
    "compare_plans",
    "compare_runs",
    "read_scenario",
    "run_scenario",
    "write_comparison",
]
