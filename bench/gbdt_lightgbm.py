"""LightGBM side of `bench/gbdt.mjs`: the same matrices, hyper-parameters and threads, timed the same way.

Reads the raw files `bench/gbdt.mjs` writes (see bench/lib/gbdt-data.mjs), trains one l2 model per
requested target column and prints one JSON line: fit seconds (binning included) and test MAE per target.

Usage: python3 bench/gbdt_lightgbm.py <data dir> <comma-separated target columns>
"""

import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np


def main() -> None:
    data = Path(sys.argv[1])
    columns = [int(c) for c in sys.argv[2].split(",")]
    meta = json.loads((data / "meta.json").read_text())
    p, k, n_train, n_test = meta["p"], meta["k"], meta["nTrain"], meta["nTest"]
    x_train = np.fromfile(data / "x_train.f32", dtype="<f4").reshape(n_train, p)
    y_train = np.fromfile(data / "y_train.f64", dtype="<f8").reshape(n_train, k)
    x_test = np.fromfile(data / "x_test.f32", dtype="<f4").reshape(n_test, p)
    y_test = np.fromfile(data / "y_test.f64", dtype="<f8").reshape(n_test, k)
    params = {
        "objective": "l2",
        "num_leaves": meta["numLeaves"],
        "learning_rate": meta["learningRate"],
        "min_data_in_leaf": meta["minDataInLeaf"],
        "max_bin": 255,
        "num_threads": meta["threads"],
        "seed": 0,
        "verbose": -1,
    }
    start = time.perf_counter()
    # Bin once for every target, as trainGbdtMany does; only the label changes between targets.
    dataset = lgb.Dataset(x_train, label=y_train[:, columns[0]], params=params, free_raw_data=False)
    dataset.construct()
    binning = time.perf_counter() - start
    mae = []
    per_target = []
    for j in columns:
        t0 = time.perf_counter()
        dataset.set_label(y_train[:, j])
        booster = lgb.train(params, dataset, num_boost_round=meta["rounds"])
        per_target.append(time.perf_counter() - t0)
        pred = booster.predict(x_test, num_threads=meta["threads"])
        mae.append(float(np.mean(np.abs(pred - y_test[:, j]))))
    print(json.dumps({"lightgbm": lgb.__version__, "fitSeconds": binning + sum(per_target), "binningSeconds": binning,
                      "perTargetSeconds": per_target, "mae": mae}))


if __name__ == "__main__":
    main()
