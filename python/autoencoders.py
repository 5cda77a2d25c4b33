"""PyTorch definitions of autoencoder-lab's models, to continue training its weights in PyTorch.

The weights that `npm run experiment` / `npm run reproduce` write (`*.safetensors`) hold float32
tensors under PyTorch's own names (``encoder.0.weight`` ...) and the model's settings in the file's
metadata. ``load(path)`` reads such a file with nothing but torch and the standard library, builds
the matching module below and loads the weights with ``load_state_dict(strict=True)``:

    import torch
    from autoencoders import load

    model, meta = load("out/fc-train/fc_latent=8_act=leakyRelu_slope=0.5_opt=adam_loss=mse_seed=0.safetensors")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    # ... train on images scaled to [0, 1], shaped [N, 784] (fc) or [N, 1, 28, 28] (conv) ...

The modules:
- ``FcAutoencoder``: the first report's 784 -> 392 -> 196 -> latent -> 196 -> 392 -> 784, an
  activation (leaky ReLU with slope 0.5 by default, ReLU or sigmoid) after every layer, the last too.
  For a model trained with ``loss=bce`` the output is read as logits (the image is its sigmoid); with
  ``loss=kl`` as log-probabilities over the 784 pixels (the image is softmax x the target's sum).
- ``ConvAutoencoder``: the second report's Conv2d(1->c, 4, 2, 1) ReLU Conv2d(c->2c, 4, 2, 1) ReLU
  Flatten Linear(2c*49 -> latent), and back with ConvTranspose2d, a sigmoid at the end.
- ``EncoderClassifier``: that encoder followed by Linear(latent->64) ReLU Linear(64->32) ReLU
  Linear(32->10), the transfer-learning classifier (logits).

``state_shapes(kind, ...)`` lists every parameter's name and shape without torch; the modules are
built from the same list, and the project's tests check it against the files the engine writes.
"""

from __future__ import annotations

import json
import struct
from typing import Dict, List, Tuple

Shape = Tuple[int, ...]


def fc_layer_sizes(latent: int, input_size: int = 784) -> List[Tuple[str, int, int]]:
    """(name, in, out) of the six Linear layers of the fully connected autoencoder."""
    h1 = input_size // 2
    h2 = h1 // 2
    return [
        ("encoder.0", input_size, h1),
        ("encoder.2", h1, h2),
        ("encoder.4", h2, latent),
        ("decoder.0", latent, h2),
        ("decoder.2", h2, h1),
        ("decoder.4", h1, input_size),
    ]


def state_shapes(kind: str, latent: int, capacity: int = 128, input_size: int = 784) -> Dict[str, Shape]:
    """Parameter name -> shape for ``kind`` in {"fc", "conv", "conv-classifier"}, in the modules' order."""
    if not isinstance(latent, int) or latent < 1:
        raise ValueError(f"latent must be a positive integer; got {latent!r}")
    out: Dict[str, Shape] = {}
    if kind == "fc":
        for name, n_in, n_out in fc_layer_sizes(latent, input_size):
            out[f"{name}.weight"] = (n_out, n_in)
            out[f"{name}.bias"] = (n_out,)
        return out
    if kind not in ("conv", "conv-classifier"):
        raise ValueError(f'kind must be "fc", "conv" or "conv-classifier"; got {kind!r}')
    if not isinstance(capacity, int) or capacity < 1:
        raise ValueError(f"capacity must be a positive integer; got {capacity!r}")
    c = capacity
    out["encoder.0.weight"] = (c, 1, 4, 4)  # Conv2d weight: [out, in, k, k]
    out["encoder.0.bias"] = (c,)
    out["encoder.2.weight"] = (2 * c, c, 4, 4)
    out["encoder.2.bias"] = (2 * c,)
    out["encoder.5.weight"] = (latent, 2 * c * 49)
    out["encoder.5.bias"] = (latent,)
    if kind == "conv":
        out["decoder.0.weight"] = (2 * c * 49, latent)
        out["decoder.0.bias"] = (2 * c * 49,)
        out["decoder.2.weight"] = (2 * c, c, 4, 4)  # ConvTranspose2d weight: [in, out, k, k]
        out["decoder.2.bias"] = (c,)
        out["decoder.4.weight"] = (c, 1, 4, 4)
        out["decoder.4.bias"] = (1,)
    else:
        for name, n_in, n_out in (("mlp.0", latent, 64), ("mlp.2", 64, 32), ("mlp.4", 32, 10)):
            out[f"{name}.weight"] = (n_out, n_in)
            out[f"{name}.bias"] = (n_out,)
    return out


def read_safetensors(path: str):
    """(tensors by name as torch float32 tensors, metadata dict) of a safetensors file (F32 only)."""
    import torch

    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: {len(raw)} bytes; a safetensors file starts with an 8-byte header length")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: header of {n} bytes runs past the end of the {len(raw)}-byte file")
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    data = raw[8 + n :]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}; expected F32")
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors, meta


def _activation(torch_nn, name: str, slope: float):
    if name == "leakyRelu":
        return torch_nn.LeakyReLU(slope)
    if name == "relu":
        return torch_nn.ReLU()
    if name == "sigmoid":
        return torch_nn.Sigmoid()
    raise ValueError(f'activation must be "leakyRelu", "relu" or "sigmoid"; got {name!r}')


def _modules():
    """The module classes, defined on first use so that state_shapes works without torch."""
    import torch
    from torch import nn

    class FcAutoencoder(nn.Module):
        def __init__(self, latent: int, activation: str = "leakyRelu", slope: float = 0.5, input_size: int = 784):
            super().__init__()
            layers = fc_layer_sizes(latent, input_size)

            def stack(part):
                mods = []
                for _, n_in, n_out in part:
                    mods += [nn.Linear(n_in, n_out), _activation(nn, activation, slope)]
                return nn.Sequential(*mods)

            self.encoder = stack(layers[:3])
            self.decoder = stack(layers[3:])

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.decoder(self.encoder(x))

    class ConvEncoder(nn.Sequential):
        def __init__(self, latent: int, capacity: int):
            c = capacity
            super().__init__(
                nn.Conv2d(1, c, 4, 2, 1),
                nn.ReLU(),
                nn.Conv2d(c, 2 * c, 4, 2, 1),
                nn.ReLU(),
                nn.Flatten(),
                nn.Linear(2 * c * 49, latent),
            )

    class ConvAutoencoder(nn.Module):
        def __init__(self, latent: int, capacity: int = 128):
            super().__init__()
            c = capacity
            self.encoder = ConvEncoder(latent, c)
            self.decoder = nn.Sequential(
                nn.Linear(latent, 2 * c * 49),
                nn.Unflatten(1, (2 * c, 7, 7)),
                nn.ConvTranspose2d(2 * c, c, 4, 2, 1),
                nn.ReLU(),
                nn.ConvTranspose2d(c, 1, 4, 2, 1),
                nn.Sigmoid(),
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.decoder(self.encoder(x))

    class EncoderClassifier(nn.Module):
        def __init__(self, latent: int, capacity: int = 128):
            super().__init__()
            self.encoder = ConvEncoder(latent, capacity)
            self.mlp = nn.Sequential(
                nn.Linear(latent, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.mlp(self.encoder(x))

    return FcAutoencoder, ConvAutoencoder, EncoderClassifier


def __getattr__(name: str):
    classes = dict(zip(("FcAutoencoder", "ConvAutoencoder", "EncoderClassifier"), _modules()))
    if name in classes:
        return classes[name]
    raise AttributeError(name)


def kind_of(meta: Dict[str, str]) -> str:
    """The model kind a weights file's metadata describes, from its key (fc:..., conv:..., conv-classifier:...)."""
    key = meta.get("key", "")
    for kind in ("conv-classifier", "conv", "fc"):
        if key.startswith(kind + ":"):
            return kind
    raise ValueError(f'metadata key {key!r} names no known model; expected "fc:", "conv:" or "conv-classifier:"')


def build(meta: Dict[str, str]):
    """A fresh module of the kind and size a weights file's metadata describes."""
    fc, conv, classifier = _modules()
    kind = kind_of(meta)
    latent = int(meta["latent"])
    if kind == "fc":
        return fc(latent, meta.get("activation", "leakyRelu"), float(meta.get("slope", "0.5")))
    return (conv if kind == "conv" else classifier)(latent, int(meta["capacity"]))


def load(path: str):
    """(module with the file's weights loaded strictly, metadata) for a weights file of the engine."""
    tensors, meta = read_safetensors(path)
    model = build(meta)
    model.load_state_dict(tensors, strict=True)
    return model, meta
