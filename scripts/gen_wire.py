"""Write js/src/wire.gen.ts from the wire contract in nb_feedback.widget.protocol.

Run it after changing the contract, then rebuild the view (``cd js && npm run build``);
``tests/unit/test_wire.py`` fails while the committed file differs from what it writes.
``--schema FILE`` also writes the contract's JSON Schema (not committed: the kernel derives
it when it starts).
"""

import argparse
import json
from pathlib import Path

from nb_feedback.widget import protocol

TS = Path(__file__).resolve().parents[1] / "js" / "src" / "wire.gen.ts"

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--schema", metavar="FILE", help="also write the JSON Schema to FILE")
args = parser.parse_args()
TS.write_text(protocol.typescript(), encoding="utf-8", newline="\n")
print(f"wrote {TS}")
if args.schema:
    schema = json.dumps(protocol.contract().json_schema(), indent=2) + "\n"
    Path(args.schema).write_text(schema, encoding="utf-8", newline="\n")
    print(f"wrote {args.schema}")
