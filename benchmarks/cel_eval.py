"""Time the CEL engine on a large Terraform plan.

Compiles the catalog's ECS Exec logging check (a ``filter(...).all(...)``
over ``planned_values.root_module.resources``) and a variant that walks
every module, evaluates both on a generated plan, and compares the time
with a fresh-process ``json.load`` of the same file.

    python benchmarks/cel_eval.py                 # 25,000 resources, 3 runs
    python benchmarks/cel_eval.py --resources 100000 --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_plan import FORMAT, write_plan  # noqa: E402

from ecs_exec_guard.cel import Environment  # noqa: E402

ECS_CHECK = """
object.planned_values.root_module.resources.filter(r, r.type == 'aws_ecs_cluster').all(cluster,
  !has(cluster.values.configuration) ||
  cluster.values.configuration == null ||
  cluster.values.configuration.all(config,
    !has(config.execute_command_configuration) ||
    config.execute_command_configuration == null ||
    config.execute_command_configuration.all(exec_config,
      !has(exec_config.logging) ||
      exec_config.logging != 'NONE'
    )
  )
)
"""

# The same test over the resources of every module (root, children and
# their children), counting failures instead of stopping at the first.
ALL_MODULES = """
cel.bind(root, object.planned_values.root_module,
  [root.?resources.orValue([])]
  + root.?child_modules.orValue([]).map(m, m.?resources.orValue([]))
  + root.?child_modules.orValue([]).map(m,
      m.?child_modules.orValue([]).map(c, c.?resources.orValue([])).flatten()
    )
).flatten().filter(r, r.type == 'aws_ecs_cluster' &&
  r.values.?configuration.orValue([]).exists(config,
    config.?execute_command_configuration.orValue([]).exists(e, e.?logging.orValue('') == 'NONE')
  )
).size()
"""


def fresh_json_load(path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import json,sys; json.load(open(sys.argv[1]))", str(path)], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--resources", type=int, default=25000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    n = args.resources
    data = HERE / ".data"
    data.mkdir(exist_ok=True)
    path = data / f"plan-v{FORMAT}-{n}-c{n // 5}-f{n // 100}-s1.json"
    if not path.exists():
        write_plan(str(path), n, n // 5, n // 100, 1)
    env = Environment(variables={"object": "dyn", "variables": "map(string, dyn)"})
    start = time.perf_counter()
    programs = {"ecs check (root module)": env.compile(ECS_CHECK), "failing clusters (all modules)": env.compile(ALL_MODULES)}
    compile_ms = (time.perf_counter() - start) * 1000
    with open(path, encoding="utf-8") as fh:
        plan = json.load(fh)
    load_s = fresh_json_load(path, args.runs)
    print(f"plan: {path.name} ({path.stat().st_size / 1e6:.1f} MB, {n} resources)")
    print(f"compile both expressions: {compile_ms:.2f} ms")
    print(f"fresh-process json.load: {load_s * 1000:.0f} ms (median of {args.runs})")
    for name, prog in programs.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            result = prog.evaluate({"object": plan, "variables": {}})
            times.append(time.perf_counter() - start)
        best = statistics.median(times)
        print(f"{name}: result {result!r}, {best * 1000:.1f} ms ({best / load_s:.1%} of json.load)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
