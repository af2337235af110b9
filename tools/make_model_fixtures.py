#!/usr/bin/python3
"""Writes the tiny Hugging Face model folders of tests/core/test_models.cpp.

Each fixture is a folder laid out as `transformers` saves it (the package is not installed here,
so config.json and the safetensors files are written by hand, field for field):

  config.json                         as PretrainedConfig.save_pretrained writes it
  model.safetensors                   8-byte LE header length, JSON header padded with spaces to a
                                      multiple of 8, raw little-endian data; keys exactly as the
                                      named transformers class's state_dict() names them
  (or model.safetensors.index.json + model-0000N-of-00002.safetensors for the sharded fixture)
  reference/case.json                 {"input_ids": [...], "description": "...", "class": "..."}
  reference/attentions.npy            float32 [L, H, S, S]  (output_attentions=True, batch 1 dropped)
  reference/last_hidden_state.npy     float32 [S, E]

The expected values come from PyTorch re-implementations of BertModel, RobertaModel,
DistilBertModel and GPT2Model written below after transformers' modeling code (v4.3x:
modeling_bert.py, modeling_roberta.py, modeling_distilbert.py, modeling_gpt2.py), run in float64
on the stored weights (float32 or float16 values widened exactly), so the reference is more
precise than either float32 implementation it judges. Each fixture also runs the same code in
float32 and prints how far that lands from the float64 reference, to show the C++ test's
tolerance is one float32 can meet.

Weights are random with a fixed seed, scaled larger than transformers' initialiser (std 0.02) so
attention is far from uniform and the nonlinearities are exercised.

Run with the Debian interpreter, the only one that imports torch here:
    /usr/bin/python3 tools/make_model_fixtures.py [--out tests/data/models]
"""

import argparse
import json
import math
import os
import shutil
import struct
from collections import OrderedDict

import numpy as np
import torch

TRANSFORMERS_VERSION = "4.30.2"  # what the config.json files claim to be written by


# ---------------------------------------------------------------------------------------------
# Writing: safetensors and config.json exactly as transformers lays them out.

SAFETENSORS_DTYPES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.int64: "I64",
    torch.bool: "BOOL",
}


def safetensors_bytes(tensors):
    """The safetensors format: u64 LE header length, JSON header, data section."""
    header = OrderedDict()
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        array = tensor.detach().contiguous().cpu().numpy()
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {
            "dtype": SAFETENSORS_DTYPES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format pads the header with spaces to 8 bytes
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write_safetensors(path, tensors):
    with open(path, "wb") as f:
        f.write(safetensors_bytes(tensors))


def write_config(folder, config):
    # PretrainedConfig.to_json_string: sorted keys, indent 2, trailing newline.
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write(json.dumps(config, indent=2, sort_keys=True) + "\n")


def write_npy(path, array):
    np.save(path, np.ascontiguousarray(array, dtype=np.float32))


# ---------------------------------------------------------------------------------------------
# Random weights.

def rand(gen, *shape, std=1.0, mean=0.0):
    return (torch.randn(*shape, generator=gen, dtype=torch.float32) * std + mean)


def linear_weights(gen, out_features, in_features):
    # Larger than HF's N(0, 0.02) init: scores spread over a few units so softmax is peaked.
    return (rand(gen, out_features, in_features, std=1.6 / math.sqrt(in_features)),
            rand(gen, out_features, std=0.1))


def norm_weights(gen, size):
    return rand(gen, size, std=0.1, mean=1.0), rand(gen, size, std=0.1)


def sinusoidal_positions(n_pos, dim):
    # DistilBERT's create_sinusoidal_embeddings (modeling_distilbert.py).
    position_enc = np.array(
        [[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.zeros(n_pos, dim)
    out[:, 0::2] = torch.FloatTensor(np.sin(position_enc[:, 0::2]))
    out[:, 1::2] = torch.FloatTensor(np.cos(position_enc[:, 1::2]))
    return out


# ---------------------------------------------------------------------------------------------
# Reference forward passes, after transformers' modeling code. `w` maps the base model's own
# state_dict names (no task prefix) to tensors of the computing dtype.

def layer_norm(x, weight, bias, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), weight, bias, eps)


def gelu(x):  # GELUActivation: exact erf form (Hendrycks & Gimpel 2016)
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def gelu_new(x):  # NewGELUActivation: the tanh approximation used by GPT-2 / BERT's TF code
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


ACT2FN = {"gelu": gelu, "gelu_new": gelu_new, "relu": torch.relu}


def split_heads(x, heads):
    s, e = x.shape
    return x.view(s, heads, e // heads).permute(1, 0, 2)  # [H, S, Dh]


def merge_heads(x):
    h, s, d = x.shape
    return x.permute(1, 0, 2).reshape(s, h * d)


def bert_self_attention(w, p, hidden, heads):
    # BertSelfAttention + BertSelfOutput (absolute positions, no mask: attention_mask of ones).
    lin = lambda name, x: x @ w[f"{p}.{name}.weight"].T + w[f"{p}.{name}.bias"]
    q = split_heads(lin("attention.self.query", hidden), heads)
    k = split_heads(lin("attention.self.key", hidden), heads)
    v = split_heads(lin("attention.self.value", hidden), heads)
    head_size = hidden.shape[-1] // heads
    scores = q @ k.transpose(-1, -2) / math.sqrt(head_size)
    probs = torch.softmax(scores, dim=-1)
    context = merge_heads(probs @ v)
    return probs, context


def bert_encoder(w, cfg, embeddings):
    heads, eps = cfg["num_attention_heads"], cfg["layer_norm_eps"]
    act = ACT2FN[cfg["hidden_act"]]
    hidden = embeddings
    attentions = []
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        lin = lambda name, x: x @ w[f"{p}.{name}.weight"].T + w[f"{p}.{name}.bias"]
        probs, context = bert_self_attention(w, p, hidden, heads)
        attention_output = layer_norm(lin("attention.output.dense", context) + hidden,
                                      w[f"{p}.attention.output.LayerNorm.weight"],
                                      w[f"{p}.attention.output.LayerNorm.bias"], eps)
        intermediate = act(lin("intermediate.dense", attention_output))
        hidden = layer_norm(lin("output.dense", intermediate) + attention_output,
                            w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"], eps)
        attentions.append(probs)
    return torch.stack(attentions), hidden


def bert_forward(w, cfg, ids):
    # BertEmbeddings: (word + token_type) + position, then LayerNorm.
    ids = torch.tensor(ids)
    token_types = torch.zeros_like(ids)
    positions = torch.arange(len(ids))
    embeddings = w["embeddings.word_embeddings.weight"][ids] + \
        w["embeddings.token_type_embeddings.weight"][token_types]
    embeddings = embeddings + w["embeddings.position_embeddings.weight"][positions]
    embeddings = layer_norm(embeddings, w["embeddings.LayerNorm.weight"],
                            w["embeddings.LayerNorm.bias"], cfg["layer_norm_eps"])
    return bert_encoder(w, cfg, embeddings)


def roberta_position_ids(ids, padding_idx):
    # modeling_roberta.create_position_ids_from_input_ids (past_key_values_length = 0).
    mask = ids.ne(padding_idx).int()
    incremental = torch.cumsum(mask, dim=0).type_as(mask) * mask
    return incremental.long() + padding_idx


def roberta_forward(w, cfg, ids):
    ids = torch.tensor(ids)
    positions = roberta_position_ids(ids, cfg["pad_token_id"])
    token_types = torch.zeros_like(ids)
    embeddings = w["embeddings.word_embeddings.weight"][ids] + \
        w["embeddings.token_type_embeddings.weight"][token_types]
    embeddings = embeddings + w["embeddings.position_embeddings.weight"][positions]
    embeddings = layer_norm(embeddings, w["embeddings.LayerNorm.weight"],
                            w["embeddings.LayerNorm.bias"], cfg["layer_norm_eps"])
    return bert_encoder(w, cfg, embeddings)


def distilbert_forward(w, cfg, ids):
    eps = 1e-12  # DistilBERT hard-codes nn.LayerNorm(dim, eps=1e-12) everywhere
    heads = cfg["n_heads"]
    act = ACT2FN[cfg["activation"]]
    ids = torch.tensor(ids)
    positions = torch.arange(len(ids))
    hidden = w["embeddings.word_embeddings.weight"][ids] + \
        w["embeddings.position_embeddings.weight"][positions]
    hidden = layer_norm(hidden, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                        eps)
    attentions = []
    for i in range(cfg["n_layers"]):
        p = f"transformer.layer.{i}"
        lin = lambda name, x: x @ w[f"{p}.{name}.weight"].T + w[f"{p}.{name}.bias"]
        # MultiHeadSelfAttention: q is divided by sqrt(dim_per_head) before q @ k^T.
        dim_per_head = hidden.shape[-1] // heads
        q = split_heads(lin("attention.q_lin", hidden), heads) / math.sqrt(dim_per_head)
        k = split_heads(lin("attention.k_lin", hidden), heads)
        v = split_heads(lin("attention.v_lin", hidden), heads)
        weights = torch.softmax(q @ k.transpose(-1, -2), dim=-1)
        sa_output = lin("attention.out_lin", merge_heads(weights @ v))
        sa_output = layer_norm(sa_output + hidden, w[f"{p}.sa_layer_norm.weight"],
                               w[f"{p}.sa_layer_norm.bias"], eps)
        ffn_output = lin("ffn.lin2", act(lin("ffn.lin1", sa_output)))
        hidden = layer_norm(ffn_output + sa_output, w[f"{p}.output_layer_norm.weight"],
                            w[f"{p}.output_layer_norm.bias"], eps)
        attentions.append(weights)
    return torch.stack(attentions), hidden


def gpt2_forward(w, cfg, ids):
    heads, eps = cfg["n_head"], cfg["layer_norm_epsilon"]
    act = ACT2FN[cfg["activation_function"]]
    conv1d = lambda p, x: x @ w[f"{p}.weight"] + w[f"{p}.bias"]  # Conv1D: weight is [in, out]
    ids = torch.tensor(ids)
    seq = len(ids)
    hidden = w["wte.weight"][ids] + w["wpe.weight"][torch.arange(seq)]
    causal = torch.tril(torch.ones(seq, seq, dtype=torch.bool))
    attentions = []
    for i in range(cfg["n_layer"]):
        p = f"h.{i}"
        residual = hidden
        x = layer_norm(hidden, w[f"{p}.ln_1.weight"], w[f"{p}.ln_1.bias"], eps)
        q, k, v = conv1d(f"{p}.attn.c_attn", x).split(x.shape[-1], dim=1)
        q, k, v = (split_heads(t, heads) for t in (q, k, v))
        # GPT2Attention._attn
        attn_weights = q @ k.transpose(-1, -2)
        if cfg.get("scale_attn_weights", True):
            attn_weights = attn_weights / torch.full([], v.size(-1) ** 0.5, dtype=attn_weights.dtype)
        if cfg.get("scale_attn_by_inverse_layer_idx", False):
            attn_weights = attn_weights / float(i + 1)
        mask_value = torch.finfo(attn_weights.dtype).min
        attn_weights = torch.where(causal, attn_weights,
                                   torch.full([], mask_value, dtype=attn_weights.dtype))
        attn_weights = torch.softmax(attn_weights, dim=-1)
        attn_output = conv1d(f"{p}.attn.c_proj", merge_heads(attn_weights @ v))
        hidden = attn_output + residual
        residual = hidden
        x = layer_norm(hidden, w[f"{p}.ln_2.weight"], w[f"{p}.ln_2.bias"], eps)
        hidden = residual + conv1d(f"{p}.mlp.c_proj", act(conv1d(f"{p}.mlp.c_fc", x)))
        attentions.append(attn_weights)
    hidden = layer_norm(hidden, w["ln_f.weight"], w["ln_f.bias"], eps)
    return torch.stack(attentions), hidden


# ---------------------------------------------------------------------------------------------
# Base-model state dicts with transformers' parameter names.

def bert_state_dict(gen, cfg, pooler):
    e, inter = cfg["hidden_size"], cfg["intermediate_size"]
    w = OrderedDict()
    w["embeddings.word_embeddings.weight"] = rand(gen, cfg["vocab_size"], e)
    w["embeddings.position_embeddings.weight"] = rand(gen, cfg["max_position_embeddings"], e)
    w["embeddings.token_type_embeddings.weight"] = rand(gen, cfg["type_vocab_size"], e)
    w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"] = norm_weights(gen, e)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        for name in ("query", "key", "value"):
            w[f"{p}.attention.self.{name}.weight"], w[f"{p}.attention.self.{name}.bias"] = \
                linear_weights(gen, e, e)
        w[f"{p}.attention.output.dense.weight"], w[f"{p}.attention.output.dense.bias"] = \
            linear_weights(gen, e, e)
        w[f"{p}.attention.output.LayerNorm.weight"], w[f"{p}.attention.output.LayerNorm.bias"] = \
            norm_weights(gen, e)
        w[f"{p}.intermediate.dense.weight"], w[f"{p}.intermediate.dense.bias"] = \
            linear_weights(gen, inter, e)
        w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"] = linear_weights(gen, e, inter)
        w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"] = norm_weights(gen, e)
    if pooler:
        w["pooler.dense.weight"], w["pooler.dense.bias"] = linear_weights(gen, e, e)
    return w


def distilbert_state_dict(gen, cfg):
    e, inter = cfg["dim"], cfg["hidden_dim"]
    w = OrderedDict()
    w["embeddings.word_embeddings.weight"] = rand(gen, cfg["vocab_size"], e)
    if cfg["sinusoidal_pos_embds"]:
        w["embeddings.position_embeddings.weight"] = sinusoidal_positions(
            cfg["max_position_embeddings"], e)
    else:
        w["embeddings.position_embeddings.weight"] = rand(gen, cfg["max_position_embeddings"], e)
    w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"] = norm_weights(gen, e)
    for i in range(cfg["n_layers"]):
        p = f"transformer.layer.{i}"
        for name in ("q_lin", "k_lin", "v_lin", "out_lin"):
            w[f"{p}.attention.{name}.weight"], w[f"{p}.attention.{name}.bias"] = \
                linear_weights(gen, e, e)
        w[f"{p}.sa_layer_norm.weight"], w[f"{p}.sa_layer_norm.bias"] = norm_weights(gen, e)
        w[f"{p}.ffn.lin1.weight"], w[f"{p}.ffn.lin1.bias"] = linear_weights(gen, inter, e)
        w[f"{p}.ffn.lin2.weight"], w[f"{p}.ffn.lin2.bias"] = linear_weights(gen, e, inter)
        w[f"{p}.output_layer_norm.weight"], w[f"{p}.output_layer_norm.bias"] = norm_weights(gen, e)
    return w


def gpt2_state_dict(gen, cfg, buffers):
    e, n_pos = cfg["n_embd"], cfg["n_positions"]
    inner = cfg["n_inner"] or 4 * e
    conv1d = lambda n_in, n_out: tuple(t.T.contiguous() if t.dim() == 2 else t
                                       for t in linear_weights(gen, n_out, n_in))
    w = OrderedDict()
    w["wte.weight"] = rand(gen, cfg["vocab_size"], e)
    w["wpe.weight"] = rand(gen, n_pos, e, std=0.5)
    for i in range(cfg["n_layer"]):
        p = f"h.{i}"
        w[f"{p}.ln_1.weight"], w[f"{p}.ln_1.bias"] = norm_weights(gen, e)
        if buffers:
            # GPT2Attention's registered buffers, as older transformers saved them (float).
            w[f"{p}.attn.bias"] = torch.tril(torch.ones(n_pos, n_pos)).view(1, 1, n_pos, n_pos)
            w[f"{p}.attn.masked_bias"] = torch.tensor(-1e4)
        w[f"{p}.attn.c_attn.weight"], w[f"{p}.attn.c_attn.bias"] = conv1d(e, 3 * e)
        w[f"{p}.attn.c_proj.weight"], w[f"{p}.attn.c_proj.bias"] = conv1d(e, e)
        w[f"{p}.ln_2.weight"], w[f"{p}.ln_2.bias"] = norm_weights(gen, e)
        w[f"{p}.mlp.c_fc.weight"], w[f"{p}.mlp.c_fc.bias"] = conv1d(e, inner)
        w[f"{p}.mlp.c_proj.weight"], w[f"{p}.mlp.c_proj.bias"] = conv1d(inner, e)
    w["ln_f.weight"], w["ln_f.bias"] = norm_weights(gen, e)
    return w


# ---------------------------------------------------------------------------------------------
# Configs with the fields transformers writes for each class.

def bert_config(architecture, hidden=32, heads=4, layers=2, intermediate=40, positions=24,
                act="gelu", type_vocab=2, eps=1e-12, vocab=64):
    return {
        "architectures": [architecture],
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": act,
        "hidden_dropout_prob": 0.1,
        "hidden_size": hidden,
        "initializer_range": 0.02,
        "intermediate_size": intermediate,
        "layer_norm_eps": eps,
        "max_position_embeddings": positions,
        "model_type": "bert",
        "num_attention_heads": heads,
        "num_hidden_layers": layers,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION,
        "type_vocab_size": type_vocab,
        "use_cache": True,
        "vocab_size": vocab,
    }


def roberta_config(architecture, positions=26, layers=2):
    cfg = bert_config(architecture, layers=layers, positions=positions, type_vocab=1, eps=1e-5)
    cfg.update({"model_type": "roberta", "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2})
    return cfg


def distilbert_config(architecture, dim=32, heads=4, layers=2, hidden_dim=40, positions=24,
                      activation="gelu", sinusoidal=False):
    return {
        "activation": activation,
        "architectures": [architecture],
        "attention_dropout": 0.1,
        "dim": dim,
        "dropout": 0.1,
        "hidden_dim": hidden_dim,
        "initializer_range": 0.02,
        "max_position_embeddings": positions,
        "model_type": "distilbert",
        "n_heads": heads,
        "n_layers": layers,
        "pad_token_id": 0,
        "qa_dropout": 0.1,
        "seq_classif_dropout": 0.2,
        "sinusoidal_pos_embds": sinusoidal,
        "tie_weights_": True,
        "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION,
        "vocab_size": 64,
    }


def gpt2_config(architecture, embd=32, heads=4, layers=2, positions=24, inner=None,
                inverse_layer_idx=False):
    return {
        "activation_function": "gelu_new",
        "architectures": [architecture],
        "attn_pdrop": 0.1,
        "bos_token_id": 63,
        "embd_pdrop": 0.1,
        "eos_token_id": 63,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_embd": embd,
        "n_head": heads,
        "n_inner": inner,
        "n_layer": layers,
        "n_positions": positions,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.1,
        "scale_attn_by_inverse_layer_idx": inverse_layer_idx,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION,
        "use_cache": True,
        "vocab_size": 64,
    }


# ---------------------------------------------------------------------------------------------
# Fixtures.

def prefixed(prefix, w):
    return OrderedDict((f"{prefix}.{k}", v) for k, v in w.items())


def bert_mlm_head(gen, cfg):
    e = cfg["hidden_size"]
    head = OrderedDict()
    head["cls.predictions.bias"] = rand(gen, cfg["vocab_size"], std=0.1)
    head["cls.predictions.transform.dense.weight"], head["cls.predictions.transform.dense.bias"] = \
        linear_weights(gen, e, e)
    head["cls.predictions.transform.LayerNorm.weight"], \
        head["cls.predictions.transform.LayerNorm.bias"] = norm_weights(gen, e)
    return head


def fixture_bert_mlm(gen):
    cfg = bert_config("BertForMaskedLM", layers=3)
    base = bert_state_dict(gen, cfg, pooler=False)  # BertForMaskedLM has no pooler
    stored = prefixed("bert", base)
    stored.update(bert_mlm_head(gen, cfg))
    return dict(cfg=cfg, base=base, files={"model.safetensors": stored}, forward=bert_forward,
                ids=[2, 17, 45, 8, 53, 3, 61, 29, 3], cls="BertForMaskedLM",
                description="BertForMaskedLM: bert. prefix, cls.predictions head, 3 layers, gelu")


def fixture_bert_unprefixed(gen):
    cfg = bert_config("BertModel", hidden=20, heads=2, intermediate=37, act="relu")
    base = bert_state_dict(gen, cfg, pooler=True)
    return dict(cfg=cfg, base=base, files={"model.safetensors": base}, forward=bert_forward,
                ids=[2, 5, 57, 31, 3], cls="BertModel",
                description="BertModel: no prefix, pooler, relu, E=20 H=2, odd intermediate 37")


def fixture_bert_legacy_gamma_beta(gen):
    cfg = bert_config("BertForPreTraining", heads=1, act="gelu_new", positions=16)
    base = bert_state_dict(gen, cfg, pooler=True)
    stored = OrderedDict()
    for name, tensor in prefixed("bert", base).items():
        # Checkpoints converted from the original TF BERT name LayerNorm parameters gamma/beta.
        if ".LayerNorm." in name:
            name = name.replace(".weight", ".gamma").replace(".bias", ".beta")
        stored[name] = tensor
    return dict(cfg=cfg, base=base, files={"model.safetensors": stored}, forward=bert_forward,
                ids=[2, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 3],
                cls="BertModel (legacy LayerNorm.gamma/beta names)",
                description="legacy gamma/beta names, one head, gelu_new, S = max positions = 16")


def fixture_bert_sharded(gen):
    cfg = bert_config("BertForSequenceClassification")
    base = bert_state_dict(gen, cfg, pooler=True)
    stored = prefixed("bert", base)
    stored["classifier.weight"], stored["classifier.bias"] = linear_weights(gen, 2, cfg["hidden_size"])
    names = list(stored)
    half = len(names) // 2
    shards = {"model-00001-of-00002.safetensors": OrderedDict((n, stored[n]) for n in names[:half]),
              "model-00002-of-00002.safetensors": OrderedDict((n, stored[n]) for n in names[half:])}
    return dict(cfg=cfg, base=base, files=shards, forward=bert_forward, sharded=True,
                ids=[2, 11, 12, 13, 14, 15, 16, 3], cls="BertForSequenceClassification",
                description="sharded: model.safetensors.index.json + 2 shards, classifier head")


def fixture_bert_f16(gen):
    cfg = bert_config("BertModel")
    cfg["torch_dtype"] = "float16"
    base = OrderedDict((k, v.half()) for k, v in bert_state_dict(gen, cfg, pooler=True).items())
    return dict(cfg=cfg, base=base, files={"model.safetensors": base}, forward=bert_forward,
                ids=[2, 40, 41, 42, 63, 0, 3], cls="BertModel (float16)",
                description="F16 weights (widened exactly to float32/64)")


def fixture_bert_int64_position_ids(gen):
    cfg = bert_config("BertModel", layers=1)
    base = bert_state_dict(gen, cfg, pooler=False)
    stored = prefixed("bert", base)
    # transformers 3.x to 4.30 saved BertEmbeddings.position_ids as a persistent int64 buffer.
    stored["bert.embeddings.position_ids"] = torch.arange(cfg["max_position_embeddings"]).view(1, -1)
    return dict(cfg=cfg, base=base, files={"model.safetensors": stored}, forward=bert_forward,
                ids=[2, 9, 8, 7, 3], cls="BertModel (transformers < 4.31, int64 position_ids)",
                description="int64 buffer embeddings.position_ids (must be ignored)")


def fixture_roberta(gen):
    cfg = roberta_config("RobertaModel")
    base = bert_state_dict(gen, cfg, pooler=True)
    return dict(cfg=cfg, base=base, files={"model.safetensors": base}, forward=roberta_forward,
                ids=[0, 31, 52, 44, 18, 57, 2], cls="RobertaModel",
                description="RobertaModel: no prefix, positions from padding_idx + 1")


def fixture_roberta_mlm_padded(gen):
    cfg = roberta_config("RobertaForMaskedLM")
    base = bert_state_dict(gen, cfg, pooler=False)
    stored = prefixed("roberta", base)
    e = cfg["hidden_size"]
    stored["lm_head.bias"] = rand(gen, cfg["vocab_size"], std=0.1)
    stored["lm_head.dense.weight"], stored["lm_head.dense.bias"] = linear_weights(gen, e, e)
    stored["lm_head.layer_norm.weight"], stored["lm_head.layer_norm.bias"] = norm_weights(gen, e)
    stored["lm_head.decoder.weight"] = base["embeddings.word_embeddings.weight"].clone()
    return dict(cfg=cfg, base=base, files={"model.safetensors": stored}, forward=roberta_forward,
                ids=[0, 45, 1, 46, 47, 2, 1, 1], cls="RobertaForMaskedLM",
                description="roberta. prefix, lm_head, pad tokens inside and after the text")


def fixture_distilbert(gen):
    cfg = distilbert_config("DistilBertModel")
    base = distilbert_state_dict(gen, cfg)
    return dict(cfg=cfg, base=base, files={"model.safetensors": base},
                forward=distilbert_forward, ids=[2, 33, 34, 35, 36, 37, 38, 39, 3],
                cls="DistilBertModel", description="DistilBertModel: no prefix, learned positions")


def fixture_distilbert_sinusoidal_qa(gen):
    cfg = distilbert_config("DistilBertForQuestionAnswering", dim=24, heads=3, hidden_dim=40,
                            activation="relu", sinusoidal=True)
    base = distilbert_state_dict(gen, cfg)
    stored = prefixed("distilbert", base)
    stored["qa_outputs.weight"], stored["qa_outputs.bias"] = linear_weights(gen, 2, cfg["dim"])
    return dict(cfg=cfg, base=base, files={"model.safetensors": stored},
                forward=distilbert_forward, ids=[2, 60, 61, 3, 62, 63, 14, 3],
                cls="DistilBertForQuestionAnswering",
                description="distilbert. prefix, qa_outputs, sinusoidal positions, relu, 3 heads")


def fixture_gpt2_lm_head(gen):
    cfg = gpt2_config("GPT2LMHeadModel")
    base = gpt2_state_dict(gen, cfg, buffers=True)
    stored = prefixed("transformer", base)
    stored["lm_head.weight"] = base["wte.weight"].clone()
    compute = OrderedDict((k, v) for k, v in base.items() if ".attn.bias" not in k
                          and "masked_bias" not in k)
    return dict(cfg=cfg, base=compute, files={"model.safetensors": stored}, forward=gpt2_forward,
                ids=[63, 14, 27, 58, 5, 63, 41, 19, 7, 52, 30], cls="GPT2LMHeadModel",
                description="GPT2LMHeadModel: transformer. prefix, lm_head, attn.bias buffers")


def fixture_gpt2_model(gen):
    cfg = gpt2_config("GPT2Model", embd=30, heads=5, layers=2, inner=50, positions=24,
                      inverse_layer_idx=True)
    base = gpt2_state_dict(gen, cfg, buffers=False)
    return dict(cfg=cfg, base=base, files={"model.safetensors": base}, forward=gpt2_forward,
                ids=[1, 2, 3, 4, 5, 6, 7], cls="GPT2Model",
                description="GPT2Model: no prefix, E=30 H=5, n_inner=50, "
                            "scale_attn_by_inverse_layer_idx")


FIXTURES = {
    "bert_mlm": fixture_bert_mlm,
    "bert_unprefixed": fixture_bert_unprefixed,
    "bert_legacy_gamma_beta": fixture_bert_legacy_gamma_beta,
    "bert_sharded": fixture_bert_sharded,
    "bert_f16": fixture_bert_f16,
    "bert_int64_position_ids": fixture_bert_int64_position_ids,
    "roberta": fixture_roberta,
    "roberta_mlm_padded": fixture_roberta_mlm_padded,
    "distilbert": fixture_distilbert,
    "distilbert_sinusoidal_qa": fixture_distilbert_sinusoidal_qa,
    "gpt2_lm_head": fixture_gpt2_lm_head,
    "gpt2_model": fixture_gpt2_model,
}


BASE_PREFIX = {"bert": "bert", "roberta": "roberta", "distilbert": "distilbert",
               "gpt2": "transformer"}


def write_fixture(root, name, seed, fixture):
    gen = torch.Generator().manual_seed(seed)
    f = fixture(gen)
    folder = os.path.join(root, name)
    os.makedirs(os.path.join(folder, "reference"))
    write_config(folder, f["cfg"])
    for file_name, tensors in f["files"].items():
        write_safetensors(os.path.join(folder, file_name), tensors)
    if f.get("sharded"):
        weight_map = {n: file_name for file_name, tensors in f["files"].items() for n in tensors}
        total = sum(t.numel() * t.element_size() for ts in f["files"].values() for t in ts.values())
        with open(os.path.join(folder, "model.safetensors.index.json"), "w") as out:
            json.dump({"metadata": {"total_size": total},
                       "weight_map": dict(sorted(weight_map.items()))}, out, indent=2)
            out.write("\n")

    ids = f["ids"]
    with torch.no_grad():
        w64 = {k: v.double() for k, v in f["base"].items()}
        attentions, hidden = f["forward"](w64, f["cfg"], ids)
        w32 = {k: v.float() for k, v in f["base"].items()}
        attentions32, hidden32 = f["forward"](w32, f["cfg"], ids)
    write_npy(os.path.join(folder, "reference", "attentions.npy"), attentions.numpy())
    write_npy(os.path.join(folder, "reference", "last_hidden_state.npy"), hidden.numpy())
    # The stored tensors the model does not use (task heads, buffers), as attnscope should
    # report them, and the longest input it accepts.
    prefix = BASE_PREFIX[f["cfg"]["model_type"]] + "."
    normalise = lambda n: (n[len(prefix):] if n.startswith(prefix) else n) \
        .replace(".gamma", ".weight").replace(".beta", ".bias")
    stored = sorted(n for tensors in f["files"].values() for n in tensors)
    ignored = [n for n in stored
               if normalise(n) not in f["base"] or normalise(n).startswith("pooler.")]
    cfg = f["cfg"]
    positions = cfg.get("max_position_embeddings", cfg.get("n_positions"))
    if cfg["model_type"] == "roberta":
        positions -= cfg["pad_token_id"] + 1
    with open(os.path.join(folder, "reference", "case.json"), "w") as out:
        json.dump({"input_ids": ids, "class": f["cls"], "description": f["description"],
                   "max_positions": positions, "ignored": ignored}, out, indent=2)
        out.write("\n")
    diff_a = (attentions32.double() - attentions).abs().max().item()
    diff_h = (hidden32.double() - hidden).abs().max().item()
    peak = attentions.max(dim=-1).values.mean().item()
    print(f"{name:28s} L,H,S={tuple(attentions.shape[:3])} torch float32 vs float64: "
          f"attentions {diff_a:.1e}, hidden {diff_h:.1e}; mean row max prob {peak:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests",
                                                      "data", "models"))
    args = parser.parse_args()
    root = os.path.normpath(args.out)
    if os.path.isdir(root):
        shutil.rmtree(root)
    os.makedirs(root)
    for seed, (name, fixture) in enumerate(FIXTURES.items(), start=1000):
        write_fixture(root, name, seed, fixture)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
    print(f"wrote {len(FIXTURES)} fixtures to {root} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
