"""Baseline of `pnpm bench:tracking`: log the same training run through Python's `mlflow` client.

Reads the payload bench/tracking.mjs wrote (params, metrics, tags, dataset, checkpoint dir), logs it
`--repeats` times to the given tracking URI and prints one JSON line: the seconds of each run and of
`import mlflow`. Each run: create run, one log_batch per MLflow limit (the client splits), log_inputs,
log_artifacts of the checkpoint, register a model version, wait until READY, set the alias, end the run.
"""

import argparse
import json
import time

started = time.perf_counter()
import mlflow  # noqa: E402
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - started


def log_run(client, experiment_id, payload, name, i):
    run = client.create_run(experiment_id, run_name=f"{name}-{i}")
    run_id = run.info.run_id
    metrics = [Metric(m["key"], m["value"], m["timestamp"], m["step"]) for m in payload["metrics"]]
    params = [Param(k, v) for k, v in payload["params"].items()]
    tags = [RunTag(k, v) for k, v in payload["tags"].items()]
    client.log_batch(run_id, metrics=metrics, params=params, tags=tags)
    d = payload["dataset"]
    dataset = Dataset(d["name"], d["digest"], d["sourceType"], d["source"], d.get("schema"), d.get("profile"))
    client.log_inputs(run_id, [DatasetInput(dataset, [InputTag("mlflow.data.context", d.get("context", "training"))])])
    client.log_artifacts(run_id, payload["checkpointDir"], "model")
    model = payload["registeredModelName"] + "-python"
    try:
        client.create_registered_model(model)
    except mlflow.exceptions.MlflowException:
        pass
    mv = client.create_model_version(model, f"{run.info.artifact_uri}/model", run_id)
    while client.get_model_version(model, mv.version).status != "READY":
        time.sleep(0.05)
    client.set_registered_model_alias(model, payload["alias"], mv.version)
    client.set_terminated(run_id, "FINISHED")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--payload", required=True)
    ap.add_argument("--uri", required=True)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    args = ap.parse_args()
    with open(args.payload) as f:
        payload = json.load(f)
    mlflow.set_tracking_uri(args.uri)
    client = MlflowClient(args.uri)
    name = "bench-python"
    experiment = client.get_experiment_by_name(name)
    experiment_id = experiment.experiment_id if experiment else client.create_experiment(name)
    for i in range(args.warmup):
        log_run(client, experiment_id, payload, "warmup", i)
    seconds = []
    for i in range(args.repeats):
        t0 = time.perf_counter()
        log_run(client, experiment_id, payload, "run", i)
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"seconds": seconds, "import_seconds": IMPORT_SECONDS, "mlflow": mlflow.__version__}))


if __name__ == "__main__":
    main()
