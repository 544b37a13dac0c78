"""Child of bench/drift.mjs: times Evidently's DataDriftPreset on the same files and prints one JSON line.

Reads the column-major float64 files the parent wrote (not timed), builds the two DataFrames (not timed),
then times Report([DataDriftPreset()]).run(current, reference), best of `repeats`.

Usage: python bench/drift-evidently.py <dir> <rows> <cols> <repeats>
"""

import json
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
from evidently import DataDefinition, Dataset, Report  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402

directory, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 1


def frame(name: str) -> pd.DataFrame:
    data = np.fromfile(f"{directory}/{name}.f64", dtype="<f8").reshape(cols, rows)
    return pd.DataFrame({f"f{c}": data[c] for c in range(cols)})


reference, current = frame("reference"), frame("current")
definition = DataDefinition(numerical_columns=[f"f{c}" for c in range(cols)])
best, snapshot = float("inf"), None
for _ in range(repeats):
    started = time.perf_counter()
    snapshot = Report([DataDriftPreset()]).run(
        Dataset.from_pandas(current, data_definition=definition),
        Dataset.from_pandas(reference, data_definition=definition),
    )
    best = min(best, time.perf_counter() - started)
scores, count = {}, None
for metric in snapshot.dict()["metrics"]:
    config = metric["config"]
    if config["type"].endswith("DriftedColumnsCount"):
        count = metric["value"]
    elif config["type"].endswith("ValueDrift"):
        scores[config["column"]] = float(metric["value"])
print(
    json.dumps(
        {
            "seconds": best,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "n_drifted": int(count["count"]),
            "share": float(count["share"]),
            "scores": scores,
        }
    )
)
