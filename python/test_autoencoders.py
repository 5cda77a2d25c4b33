"""Checks python/autoencoders.py against weights files the engine wrote: every file's tensor names and shapes
must be exactly those of the PyTorch module its metadata names (so load_state_dict(strict=True) accepts it).

    python3 python/test_autoencoders.py DIR     # DIR: an output folder of `npm run reproduce` / `experiment`

Needs only the standard library (the shapes come from state_shapes, which the modules are built from).
"""

import glob
import json
import os
import struct
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autoencoders  # noqa: E402

WEIGHTS_DIR = os.environ.get("WEIGHTS_DIR", "")


def header_of(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    meta = header.pop("__metadata__", {})
    return {k: tuple(v["shape"]) for k, v in header.items()}, meta


class StateShapes(unittest.TestCase):
    def test_report_parameter_counts(self):
        # The second report's table: 1,065,729 + 25,089 * latent parameters at c = 128.
        for latent in (3, 8, 30):
            shapes = autoencoders.state_shapes("conv", latent, 128)
            count = sum(_prod(s) for s in shapes.values())
            self.assertEqual(count, 1065729 + 25089 * latent)

    def test_fc_shapes(self):
        shapes = autoencoders.state_shapes("fc", 8)
        self.assertEqual(shapes["encoder.0.weight"], (392, 784))
        self.assertEqual(shapes["encoder.4.weight"], (8, 196))
        self.assertEqual(shapes["decoder.4.bias"], (784,))
        self.assertEqual(len(shapes), 12)

    def test_bad_arguments(self):
        with self.assertRaisesRegex(ValueError, "latent must be a positive integer"):
            autoencoders.state_shapes("fc", 0)
        with self.assertRaisesRegex(ValueError, 'kind must be "fc", "conv" or "conv-classifier"'):
            autoencoders.state_shapes("mlp", 3)
        with self.assertRaisesRegex(ValueError, "names no known model"):
            autoencoders.kind_of({"key": "gan:latent=3"})

    def test_engine_weights_files(self):
        files = sorted(glob.glob(os.path.join(WEIGHTS_DIR, "**", "*.safetensors"), recursive=True))
        self.assertTrue(WEIGHTS_DIR and files, f"no .safetensors files under WEIGHTS_DIR={WEIGHTS_DIR!r}")
        kinds = set()
        for path in files:
            shapes, meta = header_of(path)
            kind = autoencoders.kind_of(meta)
            kinds.add(kind)
            expected = autoencoders.state_shapes(kind, int(meta["latent"]), int(meta.get("capacity", "128")))
            self.assertEqual(shapes, expected, path)
        self.assertEqual(kinds, {"fc", "conv", "conv-classifier"})


def _prod(shape):
    n = 1
    for d in shape:
        n *= d
    return n


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        WEIGHTS_DIR = sys.argv.pop(1)
    unittest.main(verbosity=2)
