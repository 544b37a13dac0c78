"""Compute Evidently's and scipy's drift and regression numbers on fixed datasets, as JSON fixtures.

The fixtures are committed (packages/monitor/test/fixtures/); the unit tests of @twiga/monitor compare
every score with them within 1e-6 and every verdict exactly. Re-run this script only to refresh them,
e.g. after an Evidently upgrade, and commit the result:

    python3 -m venv /tmp/twiga-parity-venv && /tmp/twiga-parity-venv/bin/pip install -r scripts/parity/requirements.txt
    /tmp/twiga-parity-venv/bin/python scripts/parity/evidently_parity.py

Data are drawn from numpy's PCG64 with fixed seeds and stored in the fixture itself (float64 as base64
little-endian, NaN included; categories as level lists with int16 codes, -1 = missing), so the tests read
exactly the values Evidently saw.
"""

from __future__ import annotations

import base64
import json
import platform
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
from scipy import special, stats

import evidently
from evidently import DataDefinition, Dataset, Regression, Report
from evidently.legacy.metrics import DatasetDriftMetric
from evidently.legacy.pipeline.column_mapping import ColumnMapping
from evidently.legacy.report import Report as LegacyReport
from evidently.metrics import MAE, MAPE, RMSE, MeanError
from evidently.presets import DataDriftPreset

warnings.filterwarnings("ignore")

OUT = Path(__file__).resolve().parents[2] / "packages" / "monitor" / "test" / "fixtures"


def f64(values: np.ndarray) -> str:
    return base64.b64encode(np.asarray(values, dtype="<f8").tobytes()).decode()


def encode_column(series: pd.Series) -> dict:
    if series.dtype == object:
        levels = sorted({v for v in series if v is not None})
        index = {v: i for i, v in enumerate(levels)}
        codes = np.array([-1 if v is None else index[v] for v in series], dtype="<i2")
        return {"kind": "categorical", "levels": levels, "codes": base64.b64encode(codes.tobytes()).decode()}
    return {"kind": "numeric", "values": f64(series.to_numpy(dtype=float))}


DATASETS: dict = {}


def dataset(name: str, ref: pd.DataFrame, cur: pd.DataFrame) -> tuple:
    """Register a reference/current pair once; cases name it, so the fixture stores each value once."""
    DATASETS[name] = {
        "reference": {c: encode_column(ref[c]) for c in ref.columns},
        "current": {c: encode_column(cur[c]) for c in cur.columns},
    }
    return name, ref, cur


def drift_case(name, data: tuple, numeric, categorical, **preset) -> dict:
    """Run DataDriftPreset (and the legacy DatasetDriftMetric for the dataset verdict) on one case."""
    data_name, ref, cur = data
    dd = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    snap = Report([DataDriftPreset(**preset)], include_tests=True).run(
        Dataset.from_pandas(cur, data_definition=dd), Dataset.from_pandas(ref, data_definition=dd)
    )
    d = snap.dict()
    verdicts = {t["metric_config"]["params"]["column"]: t["status"] == "FAIL" for t in d["tests"] if t["id"] == "drift"}
    columns, count = [], None
    for m in d["metrics"]:
        cfg = m["config"]
        if cfg["type"].endswith("DriftedColumnsCount"):
            count = m["value"]
        elif cfg["type"].endswith("ValueDrift"):
            columns.append(
                {
                    "column": cfg["column"],
                    "method_label": cfg["method"],
                    "threshold": cfg["threshold"],
                    "score": float(m["value"]),
                    "drift_detected": verdicts[cfg["column"]],
                }
            )
    legacy_kwargs = {
        "drift_share": preset.get("drift_share", 0.5),
        "stattest": preset.get("method"),
        "stattest_threshold": preset.get("threshold"),
        "per_column_stattest": preset.get("per_column_method"),
        "per_column_stattest_threshold": preset.get("per_column_threshold"),
    }
    legacy = LegacyReport(metrics=[DatasetDriftMetric(**legacy_kwargs)])
    legacy.run(
        reference_data=ref,
        current_data=cur,
        column_mapping=ColumnMapping(numerical_features=numeric, categorical_features=categorical),
    )
    dataset = legacy.as_dict()["metrics"][0]["result"]
    options = {k: v for k, v in preset.items() if v is not None}
    return {
        "name": name,
        "options": options,
        "dataset": data_name,
        "numeric": numeric,
        "categorical": categorical,
        "columns": columns,
        "n_drifted": int(count["count"]),
        "share": float(count["share"]),
        "dataset_drift": bool(dataset["dataset_drift"]),
        "legacy_n_drifted": int(dataset["number_of_drifted_columns"]),
    }


def with_nan(values: np.ndarray, rng, share=0.1) -> np.ndarray:
    out = values.astype(float).copy()
    out[rng.random(out.size) < share] = np.nan
    return out


def cats(rng, levels, p, n, missing=0.0):
    out = rng.choice(levels, size=n, p=p).astype(object)
    if missing:
        out[rng.random(n) < missing] = None
    return out


def numeric_frame(rng, n, shift=0.0, scale=1.0, few_p=(0.4, 0.3, 0.2, 0.1), binary_p=0.3, const=7.0):
    return pd.DataFrame(
        {
            "normal": rng.normal(0, 1, n),
            "shifted": rng.normal(shift, scale, n),
            "with_nan": with_nan(rng.normal(5, 2, n), rng),
            "few_values": rng.choice([0.0, 1.0, 2.0, 3.0], size=n, p=few_p),
            "binary": (rng.random(n) < binary_p).astype(float),
            "constant": np.full(n, const),
            "ties": np.round(rng.normal(0, 1, n), 1),
            "skewed": rng.lognormal(0, 0.8 + 0.2 * shift, n),
        }
    )


def categorical_frame(rng, n, p_main, p_bin, missing=0.05, extra_level=False):
    levels = ["alpha", "beta", "gamma", "delta"] + (["epsilon"] if extra_level else [])
    p = list(p_main) + ([0.05] if extra_level else [])
    p = np.array(p) / sum(p)
    return pd.DataFrame(
        {
            "stable": cats(rng, ["north", "south", "east", "west"], [0.4, 0.3, 0.2, 0.1], n),
            "moving": cats(rng, levels, p, n),
            "yes_no": cats(rng, ["no", "yes"], p_bin, n),
            "with_missing": cats(rng, ["a", "b", "c"], [0.5, 0.3, 0.2], n, missing),
        }
    )


def drift_cases() -> list:
    rng = np.random.default_rng(20250101)
    cases = []
    num_cols = ["normal", "shifted", "with_nan", "few_values", "binary", "constant", "ties", "skewed"]
    small = dataset(
        "small_numeric",
        numeric_frame(rng, 300),
        numeric_frame(rng, 250, shift=0.4, few_p=(0.25, 0.25, 0.25, 0.25), binary_p=0.45),
    )
    cases.append(drift_case("small_numeric", small, num_cols, []))
    cases.append(drift_case("small_numeric_psi", small, num_cols, [], method="psi"))
    cases.append(drift_case("small_numeric_jensenshannon", small, num_cols, [], method="jensenshannon"))
    cases.append(drift_case("small_numeric_wasserstein", small, [c for c in num_cols if c != "few_values"], [], method="wasserstein"))
    cases.append(
        drift_case(
            "small_numeric_overrides",
            small,
            num_cols,
            [],
            drift_share=0.3,
            threshold=0.01,
            per_column_method={"skewed": "psi", "normal": "wasserstein"},
            per_column_threshold={"skewed": 0.2, "ties": 0.2},
        )
    )
    ref = numeric_frame(rng, 2000, const=3.0)
    cur = numeric_frame(rng, 1500, shift=0.3, scale=1.5, few_p=(0.3, 0.3, 0.2, 0.2), binary_p=0.32, const=3.0)
    cur["constant"] = np.where(rng.random(1500) < 0.1, 3.5, 3.0)
    large = dataset("large_numeric", ref, cur)
    cases.append(drift_case("large_numeric", large, num_cols, []))
    cases.append(drift_case("large_numeric_psi", large, num_cols, [], method="psi"))
    cases.append(drift_case("large_numeric_ks", large, [c for c in num_cols if c != "few_values"], [], method="ks"))
    cases.append(drift_case("large_numeric_drift_share_0.1", large, num_cols, [], drift_share=0.1))
    cat_cols = ["stable", "moving", "yes_no", "with_missing"]
    ref = categorical_frame(rng, 400, [0.4, 0.3, 0.2, 0.1], [0.6, 0.4])
    cur = categorical_frame(rng, 300, [0.25, 0.25, 0.25, 0.25], [0.5, 0.5], extra_level=True)
    small_cat = dataset("small_categorical", ref, cur)
    cases.append(drift_case("small_categorical", small_cat, [], cat_cols))
    cases.append(drift_case("small_categorical_psi", small_cat, [], cat_cols, method="psi"))
    ref = categorical_frame(rng, 3000, [0.4, 0.3, 0.2, 0.1], [0.6, 0.4])
    cur = categorical_frame(rng, 2500, [0.35, 0.3, 0.2, 0.15], [0.58, 0.42])
    cases.append(drift_case("large_categorical", dataset("large_categorical", ref, cur), [], cat_cols))
    # KS at the edges of scipy's modes: exact with equal sizes, exact with unequal sizes, asymptotic.
    ks = {}
    for name, (n1, n2, shift) in {
        "equal_999": (999, 999, 0.08),
        "small_60_45": (60, 45, 0.5),
        "asymp_1000_12000": (1000, 12000, 0.06),
    }.items():
        ks[name] = (pd.DataFrame({"x": rng.normal(0, 1, n1)}), pd.DataFrame({"x": rng.normal(shift, 1, n2)}))
    for name, (r, c) in ks.items():
        cases.append(drift_case(f"ks_{name}", dataset(f"ks_{name}", r, c), ["x"], []))
    return cases


def ks_pvalues() -> list:
    """scipy's ks_2samp p-value for many (n1, n2, D): exact and asymptotic branches, small and large D."""
    rng = np.random.default_rng(7)
    rows = []
    sizes = [(5, 5), (7, 3), (30, 30), (40, 55), (100, 100), (150, 400), (700, 900), (1000, 10000), (1000, 12000),
             (3000, 3000), (5000, 10001), (12000, 15000), (40000, 60000), (300000, 200000)]
    for n1, n2 in sizes:
        for shift in (0.0, 0.02, 0.1, 0.4, 1.5):
            a = np.sort(np.round(rng.normal(0, 1, n1), 3))
            b = np.sort(np.round(rng.normal(shift, 1, n2), 3))
            data_all = np.concatenate([a, b])
            diff = np.searchsorted(a, data_all, side="right") / n1 - np.searchsorted(b, data_all, side="right") / n2
            d_raw = max(float(np.clip(-diff.min(), 0, 1)), float(diff.max()))
            res = stats.ks_2samp(a, b)
            rows.append({"n1": n1, "n2": n2, "d": d_raw, "statistic": float(res.statistic), "pvalue": float(res.pvalue)})
    return rows


def kstwo_values() -> list:
    """kstwo.sf and kstwo.cdf over every branch of scipy's _kolmogn, plus special.smirnov."""
    rows = []
    for n in (1, 2, 3, 5, 10, 20, 50, 100, 140, 141, 200, 500, 1000, 5000, 20000, 100000, 100001, 250000):
        for x in (0.001, 0.004, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.9, 0.99):
            rows.append(
                {
                    "n": n,
                    "x": x,
                    "sf": float(stats.kstwo.sf(x, n)),
                    "cdf": float(stats.kstwo.cdf(x, n)),
                    "smirnov": float(special.smirnov(n, x)),
                }
            )
    return rows


def performance_case() -> dict:
    rng = np.random.default_rng(11)
    n = 240
    y = 50 + 10 * np.sin(np.arange(n) / 8) + rng.normal(0, 2, n)
    yhat = y + rng.normal(0.5, 3, n)
    y[[5, 17]] = 0.0
    y[[40, 41]] = -3.0
    cases = {}
    for name, target in {"with_zero_and_negative": y, "positive": np.abs(y) + 5}.items():
        df = pd.DataFrame({"y": target, "yhat": yhat})
        dd = DataDefinition(numerical_columns=["y", "yhat"], regression=[Regression(target="y", prediction="yhat")])
        snap = Report([MAE(), RMSE(), MeanError(), MAPE()]).run(Dataset.from_pandas(df, data_definition=dd), None)
        values = {}
        for m in snap.dict()["metrics"]:
            key = m["config"]["type"].split(":")[-1]
            v = m["value"]
            values[key] = float(v["mean"] if isinstance(v, dict) else v)
        cases[name] = {"actual": f64(target), "forecast": f64(yhat), "evidently": values}
    return cases


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {
        "generated_by": "scripts/parity/evidently_parity.py",
        "evidently": evidently.__version__,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": platform.python_version(),
    }
    cases = drift_cases()
    drift = {"meta": meta, "datasets": DATASETS, "cases": cases}
    (OUT / "evidently-drift.json").write_text(json.dumps(drift, separators=(",", ":")) + "\n")
    scipy_fixture = {"meta": meta, "ks_2samp": ks_pvalues(), "kstwo": kstwo_values()}
    (OUT / "scipy-ks.json").write_text(json.dumps(scipy_fixture, indent=1) + "\n")
    perf = {"meta": meta, "cases": performance_case()}
    (OUT / "evidently-performance.json").write_text(json.dumps(perf, indent=1) + "\n")
    for f in ("evidently-drift.json", "scipy-ks.json", "evidently-performance.json"):
        print(f"wrote {OUT / f} ({(OUT / f).stat().st_size // 1024} KiB)", file=sys.stderr)


if __name__ == "__main__":
    main()
