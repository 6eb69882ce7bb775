"""What every interop script here prints and how it ends, whatever client library it drives: one
JSON object per step on its own stdout line, then {"result": "ok"} (exit 0) or
{"result": "fail", "reason": ...} (exit 1).

Imported by the scripts beside it (Python puts a script's own folder first on sys.path).
"""

import asyncio
import json
import logging
import sys


def emit(**fields):
    print(json.dumps(fields), flush=True)


def main(commands):
    """Runs commands[argv[1]](*argv[2:]) to completion and reports its outcome as the last line."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    loop = asyncio.get_event_loop()
    try:
        loop.run_until_complete(commands[sys.argv[1]](*sys.argv[2:]))
    except Exception as error:  # noqa: BLE001 - reported as the script's result
        emit(result="fail", reason=f"{type(error).__name__}: {error}")
        sys.exit(1)
    emit(result="ok")
