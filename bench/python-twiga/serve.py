"""Serve the forecaster trained by train.py with Python Twiga's own FastAPI app (`twiga.serve.create_app`)
under uvicorn, for `pnpm bench:serve --python-twiga DIR`.

    MODEL_DIR=DIR DIR/.venv/bin/python bench/python-twiga/serve.py PORT

Env:
    MODEL_DIR  directory holding forecaster.joblib + checkpoints/ (train.py --out)
    PORT       port (argv[1] wins), default 8123; bound on 127.0.0.1
    WORKERS    uvicorn worker processes, default 1 (>1 uses the import-string
               factory `serve:make_app`, each worker loads the pickle itself)
    SERIALIZE  1 = one prediction at a time (see below); the bench sets it
    LOG_LEVEL  uvicorn log level, default "warning" (access log off)

The forecaster passed to create_app is the whole fitted (+ conformally
calibrated) TwigaForecaster pickled by train.py. twiga's ModelLoader then calls
forecaster.on_load_checkpoint() at startup, which re-reads the current model's
model_and_pipeline.pkl from checkpoints/ (the path stored in the pickle).
Conformal state lives only on the instance (twiga's checkpoint files do not
store it), hence the whole-object pickle.
"""

from __future__ import annotations

import os
from pathlib import Path
import sys

HERE = Path(__file__).resolve().parent


def make_app():
    import joblib
    import pandas as pd

    from twiga.serve.app import create_app

    model_dir = Path(os.environ["MODEL_DIR"])
    fc = joblib.load(model_dir / "forecaster.joblib")
    # WORKAROUND (twiga 1.1.6 bug): /predict builds the request frame with a
    # 0-based index and prepare_test_data() concatenates it AFTER the kept
    # training context, whose index is the original row numbers (~52k).
    # augment_lags() returns rows in original-index order and
    # AutoregressTransformer then drops the first max_data_drop rows by
    # position, so the request rows are dropped and the forecast is made from
    # the stale training context (plus NaN lag features; LinearRegression then
    # fails with "Input X contains NaN", LightGBM silently returns a forecast
    # of the wrong window). Giving the context a negative index keeps the
    # concatenated index monotonic.
    if fc.train_df is not None and os.environ.get("NO_INDEX_FIX") != "1":
        fc.train_df = fc.train_df.set_axis(pd.RangeIndex(-len(fc.train_df), 0))
    startup_hook = None
    if os.environ.get("SERIALIZE") == "1":
        # Optional: one prediction thread at a time. twiga runs fc.predict via
        # anyio.to_thread.run_sync (default limiter: 40 threads), and
        # TwigaForecaster.predict mutates shared state (self.model,
        # data_pipeline.data, ...), so concurrent requests can race.
        import anyio.from_thread
        import anyio.to_thread

        def _one_token() -> None:
            anyio.to_thread.current_default_thread_limiter().total_tokens = 1

        def startup_hook() -> None:  # create_app runs it in a worker thread
            anyio.from_thread.run_sync(_one_token)

    # report_dir: ForecastMonitor's directory (only used by /monitor/* endpoints)
    return create_app(fc, report_dir=str(model_dir / "reports"), api_key=None, startup_hook=startup_hook)


def main() -> None:
    import uvicorn

    port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("PORT", "8123"))
    workers = int(os.environ.get("WORKERS", "1"))
    level = os.environ.get("LOG_LEVEL", "warning")
    # twiga's own loggers (twiga.*) have a NullHandler and propagate=False:
    # they print nothing unless twiga.core.utils.logger.configure() is called.
    if workers > 1:
        sys.path.insert(0, str(HERE))
        uvicorn.run("serve:make_app", factory=True, host="127.0.0.1", port=port, workers=workers,
                    log_level=level, access_log=False)
    else:
        uvicorn.run(make_app(), host="127.0.0.1", port=port, log_level=level, access_log=False)


if __name__ == "__main__":
    main()
