"""statistics: Summarize reads the temperature readings named by file_path (a CSV in the data folder), writes
statistics.json beside them and answers with per-sensor and overall statistics.

Written in Python to show that a service's language is its own business: the contract is the .proto. The server
needs no generated code: protoc (Debian: protobuf-compiler) turns proto/statistics.proto and the standard health
proto into descriptors at start-up, and grpcio's generic handlers serve them (Debian: python3-grpcio,
python3-protobuf). Listens on GRPC_PORT (default 50051) at GRPC_HOST (default 0.0.0.0), reads and writes files in
DATA_DIR (default ./data), reports SERVING on the gRPC health service once it listens, and stops on SIGTERM/SIGINT.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent import futures

NAME = "statistics"
SERVICE = "statistics.Statistics"
HEALTH_SERVICE = "grpc.health.v1.Health"
HERE = os.path.dirname(os.path.abspath(__file__))


def log(message):
    print(f"{NAME}: {message}", file=sys.stderr, flush=True)


try:
    import grpc
    from google.protobuf import descriptor_pb2, message_factory
except ImportError as err:
    log(
        f"cannot import {err.name}: {sys.executable} lacks grpcio/protobuf "
        "(Debian: apt install python3-grpcio python3-protobuf); set PYTHON to an interpreter that has them, "
        "e.g. PYTHON=/usr/bin/python3"
    )
    sys.exit(1)


def load_messages():
    """Compiles the service proto and the health proto with protoc into descriptors; returns message classes."""
    protoc = shutil.which("protoc")
    if protoc is None:
        log("protoc not found on PATH (Debian: apt install protobuf-compiler)")
        sys.exit(1)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "descriptors.pb")
        subprocess.run(
            [
                protoc,
                f"-I{os.path.join(HERE, 'proto')}",
                f"-I{os.path.join(HERE, 'health')}",
                "--include_imports",
                f"--descriptor_set_out={out}",
                "statistics.proto",
                "grpc/health/v1/health.proto",
            ],
            check=True,
        )
        with open(out, "rb") as f:
            files = descriptor_pb2.FileDescriptorSet.FromString(f.read()).file
    return message_factory.GetMessages(files)


MESSAGES = load_messages()
SummarizeRequest = MESSAGES["statistics.SummarizeRequest"]
Summary = MESSAGES["statistics.Summary"]
HealthCheckRequest = MESSAGES["grpc.health.v1.HealthCheckRequest"]
HealthCheckResponse = MESSAGES["grpc.health.v1.HealthCheckResponse"]
SERVING = HealthCheckResponse.ServingStatus.Value("SERVING")
NOT_SERVING = HealthCheckResponse.ServingStatus.Value("NOT_SERVING")
SERVICE_UNKNOWN = HealthCheckResponse.ServingStatus.Value("SERVICE_UNKNOWN")


class Failure(Exception):
    """An error the caller should see with this gRPC status."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def data_dir():
    path = os.path.abspath(os.environ.get("DATA_DIR") or "./data")
    os.makedirs(path, exist_ok=True)
    return path


def data_path(path, field):
    """The absolute path of a file named in a message, which must lie in the data folder."""
    if not path:
        raise Failure(grpc.StatusCode.INVALID_ARGUMENT, f"{field} is empty: give a file in the data folder")
    root = data_dir()
    full = os.path.abspath(os.path.join(root, path))
    if os.path.commonpath([root, full]) != root or full == root:
        raise Failure(grpc.StatusCode.INVALID_ARGUMENT, f'{field} "{path}" is outside the data folder')
    if not os.path.isfile(full):
        raise Failure(grpc.StatusCode.NOT_FOUND, f"{field}: no such file {path}")
    return full


def read_samples(path):
    """sensor_id -> temperatures, in file order; every row checked."""
    samples = {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = {"sensor_id", "temperature_c"} - set(reader.fieldnames or [])
        if missing:
            raise Failure(grpc.StatusCode.INVALID_ARGUMENT, f"{os.path.basename(path)} line 1: missing {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            try:
                value = float(row["temperature_c"])
            except (TypeError, ValueError):
                raise Failure(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f'{os.path.basename(path)} line {line}: temperature_c "{row["temperature_c"]}" is not a number',
                )
            samples.setdefault(row["sensor_id"], []).append(value)
    return samples


def summarize(request, context):
    try:
        source = data_path(request.file_path, "file_path")
        samples = read_samples(source)
        count = sum(len(v) for v in samples.values())
        if count == 0:
            raise Failure(grpc.StatusCode.FAILED_PRECONDITION, f"{request.file_path} holds no samples")
        if request.sample_count and request.sample_count != count:
            raise Failure(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"{request.file_path} holds {count} samples, the request says {request.sample_count}",
            )
        sensors = [
            {
                "sensor_id": sensor,
                "samples": len(values),
                "mean": round(sum(values) / len(values), 3),
                "min": min(values),
                "max": max(values),
            }
            for sensor, values in sorted(samples.items())
        ]
        every = [v for values in samples.values() for v in values]
        result = {
            "summary_path": "statistics.json",
            "sample_count": count,
            "sensor_count": len(sensors),
            "mean_temperature": round(sum(every) / count, 3),
            "min_temperature": min(every),
            "max_temperature": max(every),
            "warmest_sensor": max(sensors, key=lambda s: s["mean"])["sensor_id"],
            "sensors": sensors,
        }
        target = os.path.join(data_dir(), "statistics.json")
        with open(target + ".tmp", "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        os.replace(target + ".tmp", target)
        log(f"Summarize: {count} samples from {len(sensors)} sensors -> statistics.json")
        return Summary(**{k: v for k, v in result.items() if k != "sensors"}, sensors=sensors)
    except Failure as failure:
        log(f"Summarize failed: {failure.code.name}: {failure}")
        context.abort(failure.code, str(failure))


class Health:
    """grpc.health.v1.Health: Check and Watch for the overall status ("") and the Statistics service."""

    def __init__(self):
        self.status = NOT_SERVING
        self.changed = threading.Condition()

    def set(self, status):
        with self.changed:
            self.status = status
            self.changed.notify_all()

    def status_of(self, service):
        return self.status if service in ("", SERVICE) else SERVICE_UNKNOWN

    def check(self, request, context):
        if request.service not in ("", SERVICE):
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {request.service}")
        return HealthCheckResponse(status=self.status)

    def watch(self, request, context):
        # Send the status now and again on every change, until the caller goes away (which wakes us up too).
        context.add_callback(lambda: self.set(self.status))
        last = None
        while context.is_active():
            with self.changed:
                current = self.status_of(request.service)
                if current == last:
                    self.changed.wait()
                    continue
            last = current
            yield HealthCheckResponse(status=current)


def main():
    health = Health()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(
                SERVICE,
                {
                    "Summarize": grpc.unary_unary_rpc_method_handler(
                        summarize,
                        request_deserializer=SummarizeRequest.FromString,
                        response_serializer=Summary.SerializeToString,
                    )
                },
            ),
            grpc.method_handlers_generic_handler(
                HEALTH_SERVICE,
                {
                    "Check": grpc.unary_unary_rpc_method_handler(
                        health.check,
                        request_deserializer=HealthCheckRequest.FromString,
                        response_serializer=HealthCheckResponse.SerializeToString,
                    ),
                    "Watch": grpc.unary_stream_rpc_method_handler(
                        health.watch,
                        request_deserializer=HealthCheckRequest.FromString,
                        response_serializer=HealthCheckResponse.SerializeToString,
                    ),
                },
            ),
        )
    )
    host = os.environ.get("GRPC_HOST") or "0.0.0.0"
    port = os.environ.get("GRPC_PORT") or "50051"
    try:
        bound = server.add_insecure_port(f"{host}:{port}")
    except RuntimeError as err:
        bound = 0
        log(str(err))
    if bound == 0:
        log(f"cannot listen on {host}:{port}")
        sys.exit(1)
    server.start()
    health.set(SERVING)
    log(f"listening on {host}:{port}")

    def stop(signum, _frame):
        log(f"{signal.Signals(signum).name}: shutting down")
        health.set(NOT_SERVING)
        server.stop(grace=5)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
