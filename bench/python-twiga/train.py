"""Train Python Twiga (PyPI twiga 1.1.6) on the bundled vic_elec data and save a servable forecaster, for
`pnpm bench:serve --python-twiga DIR` (see bench/README.md). Run by bench/python-twiga/setup.sh.

The model mirrors the TypeScript default config (apps/runner/src/train-config.ts) as far as twiga's API
allows: lookback 96, horizon 48, lags of one day and one week, a one-day rolling mean, Temperature as a past
feature, Holiday known ahead, calendar hour/day-of-week/month, standard scaling; seasonal naive, linear
regression and LightGBM with 100 trees per horizon step at rate 0.1 (twiga fits one booster per step: 48 x 100
trees, like ours).

Layout of the data (rows sorted by time, timestamps normalised to tz-naive UTC,
which is what twiga's own normalise_timestamp_column does to offset strings):

    [ ... unused ... | train: last --train-days days | calib: --calib-days | request: last 96 rows ]

* The last 96 rows of the file are held out: they are the /predict body
  (request.json), so they follow the stored forecast context contiguously.
* The calibration window (optional conformal, for /predict-interval) sits
  between the training window and the request rows; calibrate() advances the
  kept context to its end.

Writes:
    checkpoints/<model>/model_and_pipeline.pkl   twiga's own checkpoints (fit() writes them)
    forecaster.joblib                            the whole fitted (+calibrated) TwigaForecaster
    request.json                                 /predict body (96 newest rows)
    train_info.json                              config, sizes, timings

Usage:
    DIR/.venv/bin/python bench/python-twiga/train.py --out DIR [--train-days 365] [--calib-days 14]
        [--models lightgbm,seasonal_naive,lineareg] [--no-conformal]

It trains on the last year, not the whole file: twiga flattens every window into 1 296 features, and on
the whole file its fit takes far longer than ours (minutes per model on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from twiga.core.config import ConformalConfig, DataPipelineConfig, ExperimentConfig
from twiga.forecaster.core import TwigaForecaster
from twiga.models.baseline.seasonal_naive_model import SEASONALNAIVEConfig
from twiga.models.ml.lightgbm_model import LIGHTGBMConfig
from twiga.models.ml.lineareg_model import LINEAREGConfig

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "data" / "vic_elec.csv"
LOOKBACK = 96
HORIZON = 48
STEPS_PER_DAY = 48

# NB: twiga's `lags` and `windows` are in DAYS (multiplied by samples-per-day,
# 48 at 30min, inside AutoregressTransformer). lags=[1, 7] == 48 and 336 steps,
# windows=[1] == a 48-step rolling mean. Passing [48, 336] means 2304 and
# 16128 steps (48 and 336 DAYS) -> max_data_drop=16128 rows.
DATA_CONFIG = dict(
    target_feature="Demand",
    period="30min",
    lookback_window_size=LOOKBACK,
    forecast_horizon=HORIZON,
    date_column="Time",
    past_features=["Temperature"],
    known_future_features=["Holiday"],
    calendar_features=["hour", "wday", "month"],
    lags=[1, 7],
    windows=[1],
    window_funcs=["mean"],
    target_scaler="standard",
    input_scaler="standard",
)


def load_frame() -> pd.DataFrame:
    df = pd.read_csv(DATA)
    df = df[["Time", "Demand", "Temperature", "Holiday"]].copy()
    df["Time"] = pd.to_datetime(df["Time"], utc=True).dt.tz_localize(None)
    df["Holiday"] = df["Holiday"].astype(float)
    return df.sort_values("Time").reset_index(drop=True)


def build_models(names: list[str]) -> list:
    out = []
    for n in names:
        if n == "lightgbm":
            # n_estimators / learning_rate are LightGBM's defaults too; passed
            # explicitly (BaseModelConfig allows extra fields -> estimator params).
            out.append(LIGHTGBMConfig(n_estimators=100, learning_rate=0.1, n_jobs=2))
        elif n == "seasonal_naive":
            out.append(SEASONALNAIVEConfig(period=STEPS_PER_DAY, freq="30min"))
        elif n == "lineareg":
            out.append(LINEAREGConfig())
        else:
            raise SystemExit(f"unknown model {n}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-days", type=float, default=365)
    ap.add_argument("--calib-days", type=float, default=14)
    ap.add_argument("--models", default="lightgbm,seasonal_naive,lineareg")
    ap.add_argument("--no-conformal", action="store_true")
    ap.add_argument("--out", required=True, help="directory for the checkpoints, forecaster and request")
    args = ap.parse_args()

    out = Path(args.out)
    ckpt = out / "checkpoints"
    if ckpt.exists():
        shutil.rmtree(ckpt)

    df = load_frame()
    request_df = df.iloc[-LOOKBACK:]
    rest = df.iloc[:-LOOKBACK]
    calib_rows = 0 if args.no_conformal else int(args.calib_days * STEPS_PER_DAY)
    calib_df = rest.iloc[len(rest) - calib_rows :] if calib_rows else None
    pre = rest.iloc[: len(rest) - calib_rows]
    # +7 days of warm-up rows that the lag-336 feature drops
    train_rows = int(args.train_days * STEPS_PER_DAY) + 7 * STEPS_PER_DAY
    train_df = pre.iloc[-train_rows:]

    data_cfg = DataPipelineConfig(**DATA_CONFIG)
    cv_cfg = ExperimentConfig(
        project_name="vic_elec",
        root_dir=str(out / "artifacts"),
        checkpoints_path=str(ckpt),
    )
    conf_cfg = None if args.no_conformal else ConformalConfig(method="residual", alpha=0.1)
    names = [s for s in args.models.split(",") if s]
    fc = TwigaForecaster(data_params=data_cfg, model_params=build_models(names), cv_params=cv_cfg,
                         conformal_params=conf_cfg)

    print(f"train rows={len(train_df)} ({train_df.Time.iloc[0]} .. {train_df.Time.iloc[-1]} UTC)")
    t0 = time.perf_counter()
    fc.fit(train_df)
    fit_s = time.perf_counter() - t0
    print(f"fit took {fit_s:.1f}s")

    calib_s = None
    if calib_df is not None:
        print(f"calib rows={len(calib_df)} ({calib_df.Time.iloc[0]} .. {calib_df.Time.iloc[-1]} UTC)")
        t0 = time.perf_counter()
        fc.calibrate(calib_df)
        calib_s = time.perf_counter() - t0
        print(f"calibrate took {calib_s:.1f}s")

    # Sanity: the kept context must end right before the request rows.
    ctx_end = pd.Timestamp(fc.train_df["Time"].iloc[-1])
    assert ctx_end + pd.Timedelta("30min") == request_df.Time.iloc[0], (ctx_end, request_df.Time.iloc[0])

    joblib.dump(fc, out / "forecaster.joblib")

    # /predict body: the 96 newest rows exactly as they are in the CSV
    raw = pd.read_csv(DATA).iloc[-LOOKBACK:]
    records = [
        {"Time": r.Time, "Demand": float(r.Demand), "Temperature": float(r.Temperature), "Holiday": bool(r.Holiday)}
        for r in raw.itertuples()
    ]
    (out / "request.json").write_text(json.dumps({"records": records}))

    lgbm = next((m for m in fc.models if m.model_config.name == "lightgbm"), None)
    info = {
        "data_config": DATA_CONFIG,
        "models": names,
        "train_rows": len(train_df),
        "train_start_utc": str(train_df.Time.iloc[0]),
        "train_end_utc": str(train_df.Time.iloc[-1]),
        "calib_rows": calib_rows,
        "fit_seconds": round(fit_s, 2),
        "calibrate_seconds": None if calib_s is None else round(calib_s, 2),
        "max_data_drop": fc.data_pipeline.max_data_drop,
        "feature_columns": fc.data_pipeline.feature_columns,
        "covariate_columns": fc.data_pipeline.covariate_columns,
        "lightgbm_boosters": None if lgbm is None else len(lgbm.models),
        "lightgbm_trees_per_booster": None if lgbm is None else int(lgbm.models[0].booster_.num_trees()),
        "lightgbm_n_features": None if lgbm is None else int(lgbm.models[0].n_features_in_),
    }
    (out / "train_info.json").write_text(json.dumps(info, indent=2, default=str))
    print(json.dumps(info, indent=2, default=str))


if __name__ == "__main__":
    main()
