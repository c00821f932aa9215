#!/usr/bin/env python3
"""PyTorch reference for `dalle2 bench train`: the SAME decoder U-Net, loss and training step as the
Java trainer, timed the same way, so that BENCHMARKS.md can put the two side by side.

Mirrors, module by module and with identical dotted parameter names:
  src/main/java/dev/dalle2/decoder/UNet.java            (layout, skip order, null_cond, cond tokens)
  src/main/java/dev/dalle2/nn/{ResBlock,SpatialAttention,MultiHeadAttention,Resample,
                              TimestepEmbedding,GroupNorm,Linear,Conv2d}.java
  src/main/java/dev/dalle2/diffusion/GaussianDiffusion.java   trainingLoss (cosine schedule, v target)
  src/main/java/dev/dalle2/train/{Trainer,Ema,DecoderTask,TrainingBenchmark}.java
  src/main/java/dev/dalle2/diffusion/{DdimSampler,ClassifierFreeGuidance}.java  (sampling step)

Measurement, as TrainingBenchmark.java does it:
  * training: W warm-up steps, then N timed steps; images/s is the MEAN over the timed steps of
    batch / (seconds of that step), a step being: set lr, zero_grad, [autocast: host batch -> tensor,
    condition drop, t/noise draws, q_sample, forward, mse], backward, loss.item(), clip_grad_norm_,
    AdamW step, EMA lerp_. (The total-time rate is printed too.)
  * sampling: the EMA model in eval mode, no grad, inside the same autocast as training; a DDIM
    sampler respaced to K steps with classifier-free guidance (one forward at 2 x sample-batch per
    step); one untimed full sample, then ms/step = time of a second full sample / K.
  * peak memory: VmHWM of this process, reset before each phase by writing 5 to
    /proc/self/clear_refs (when that fails the cumulative peak is reported, flagged in the JSON).

Output: a table like the Java command's and one line per precision `json {...}` with the same keys
as the Java command (train_images_per_s, ms_per_sampling_step, peak_train_mib, peak_sample_mib) plus
details about this run. `--print-names` prints every parameter name with its shape, sorted, and exits.

Usage: python3 scripts/bench_reference.py [--config configs/decoder-shapes-32.yaml] [--warmup 3]
         [--steps 10] [--sample-batch 8] [--sample-steps 5] [--precision both|fp32|bf16]
         [--batch B] [--threads T] [--print-names]
Prefer scripts/bench-reference.sh, which installs Debian's PyTorch and makes it use OpenBLAS.
"""

import argparse
import inspect
import json
import math
import os
import pathlib
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO / "configs" / "decoder-shapes-32.yaml"

# configs/decoder-shapes-32.yaml, used when no config file can be read.
BUILTIN_CONFIG = {
    "kind": "decoder",
    "seed": 0,
    "unet": {"imageSize": 32, "inChannels": 3, "outChannels": 3, "modelChannels": 64, "channelMult": [1, 2, 2],
             "numResBlocks": 2, "attentionResolutions": [16, 8], "headWidth": 64, "dropout": 0.1,
             "condDim": 42, "condTokens": 4},
    "diffusion": {"schedule": "cosine", "steps": 1000, "prediction": "v"},
    "training": {"batchSize": 32, "learningRate": 5.0e-4, "warmupSteps": 100, "totalSteps": 1500,
                 "minLrRatio": 0.1, "weightDecay": 0.0, "emaDecay": 0.999, "gradClip": 1.0, "bf16": True,
                 "condDropProb": 0.1},
    "sampling": {"sampler": "ddim", "steps": 50, "eta": 0.0, "guidance": 3.0, "x0": "clip"},
}

HAS_SDPA = hasattr(F, "scaled_dot_product_attention")


# ----- config ------------------------------------------------------------------------------------

def _scalar(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text in ("true", "True"):
        return True
    if text in ("false", "False"):
        return False
    if text in ("null", "~", ""):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_flat_yaml(text):
    """The YAML subset of the project's recipes: nested maps by indentation, scalars, [a, b] lists."""
    root = {}
    stack = [(-1, root)]
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        key, _, value = line.strip().partition(":")
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        value = value.strip()
        if value == "":
            parent[key] = {}
            stack.append((indent, parent[key]))
        elif value.startswith("[") and value.endswith("]"):
            inner = value[1:-1].strip()
            parent[key] = [_scalar(v) for v in inner.split(",")] if inner else []
        else:
            parent[key] = _scalar(value)
    return root


def load_config(path):
    if path is None:
        if not DEFAULT_CONFIG.exists():
            return BUILTIN_CONFIG, "built-in copy of configs/decoder-shapes-32.yaml"
        path = DEFAULT_CONFIG
    text = pathlib.Path(path).read_text(encoding="utf-8")
    try:
        import yaml  # Debian: python3-yaml
        config = yaml.safe_load(text)
    except ImportError:
        config = parse_flat_yaml(text)
    return config, str(path)


# ----- layers (dev.dalle2.nn) --------------------------------------------------------------------

def _uniform_(t, bound):
    # Init.uniform: (rand - 0.5) * 2 * bound, i.e. U[-bound, bound) as PyTorch's default.
    with torch.no_grad():
        t.copy_((torch.rand(t.shape) - 0.5) * (2 * bound))


def linear(i, o):
    """Linear.java: weight [o, i], bias [o], U(±1/sqrt(in))."""
    layer = nn.Linear(i, o)
    _uniform_(layer.weight, 1 / math.sqrt(i))
    _uniform_(layer.bias, 1 / math.sqrt(i))
    return layer


def conv2d(i, o, k, stride=1, padding=None):
    """Conv2d.java: weight [o, i, k, k], bias [o], U(±1/sqrt(in·k·k)); 'same' padding k/2 by default."""
    layer = nn.Conv2d(i, o, k, stride=stride, padding=k // 2 if padding is None else padding)
    _uniform_(layer.weight, 1 / math.sqrt(i * k * k))
    _uniform_(layer.bias, 1 / math.sqrt(i * k * k))
    return layer


def zero_(*params):
    with torch.no_grad():
        for p in params:
            p.zero_()


def groups_for(channels):
    """GroupNorm.groupsFor: the largest group count <= 32 that divides the channels."""
    for g in range(min(32, channels), 1, -1):
        if channels % g == 0:
            return g
    return 1


class GroupNorm(nn.Module):
    """GroupNorm.java: always computed in float32 (also inside bf16 autocast), float32 output."""

    def __init__(self, groups, channels, eps=1e-5):
        super().__init__()
        self.groups = groups
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return F.group_norm(x.float(), self.groups, self.weight, self.bias, self.eps)


class TimestepEmbedding(nn.Module):
    """TimestepEmbedding.java: [cos, sin] sinusoidal features -> linear_1 -> SiLU -> linear_2."""

    def __init__(self, frequency_dim, embed_dim):
        super().__init__()
        self.frequency_dim = frequency_dim
        self.linear_1 = linear(frequency_dim, embed_dim)
        self.linear_2 = linear(embed_dim, embed_dim)

    @staticmethod
    def sinusoidal(t, dim, max_period=10000.0):
        half = dim // 2
        freqs = (torch.arange(half, dtype=torch.float32) * (-math.log(max_period) / half)).exp()
        args = t.float().reshape(-1, 1) * freqs.reshape(1, -1)
        emb = torch.cat([args.cos(), args.sin()], 1)
        return torch.cat([emb, torch.zeros(emb.size(0), 1)], 1) if dim % 2 == 1 else emb

    def forward(self, t):
        return self.linear_2(F.silu(self.linear_1(self.sinusoidal(t, self.frequency_dim))))


class ResBlock(nn.Module):
    """ResBlock.java: in_norm, in_conv, emb_proj, out_norm, out_conv (zero), skip (1x1, only if in != out)."""

    def __init__(self, cin, cout, emb_dim, dropout):
        super().__init__()
        self.dropout = dropout
        self.in_norm = GroupNorm(groups_for(cin), cin)
        self.in_conv = conv2d(cin, cout, 3)
        self.emb_proj = linear(emb_dim, 2 * cout)
        self.out_norm = GroupNorm(groups_for(cout), cout)
        self.out_conv = conv2d(cout, cout, 3)
        zero_(self.out_conv.weight, self.out_conv.bias)
        self.skip = None if cin == cout else conv2d(cin, cout, 1)

    def forward(self, x, emb):
        h = self.in_conv(F.silu(self.in_norm(x)))
        scale_shift = self.emb_proj(F.silu(emb)).float()
        c = scale_shift.size(1) // 2
        scale = scale_shift.narrow(1, 0, c).reshape(-1, c, 1, 1)
        shift = scale_shift.narrow(1, c, c).reshape(-1, c, 1, 1)
        h = self.out_norm(h).mul(scale + 1).add(shift)
        h = F.silu(h)
        if self.dropout > 0 and self.training:
            h = torch.dropout(h, self.dropout, True)
        h = self.out_conv(h)
        residual = x if self.skip is None else self.skip(x)
        return residual.to(h.dtype).add(h)


def _attention(q, k, v):
    if HAS_SDPA:
        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.0, is_causal=False)
    # torch < 2.0 has no SDPA: its math formulation (what SDPA's math path computes).
    w = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(q.size(-1)))
    return torch.matmul(w.softmax(-1), v)


class MultiHeadAttention(nn.Module):
    """MultiHeadAttention.java (self-attention + extra tokens appended to the keys and values)."""

    def __init__(self, dim, heads, context_dim=0, extra_dim=0):
        super().__init__()
        if dim % heads != 0:
            raise ValueError(f"width {dim} does not split into {heads} heads")
        self.heads = heads
        kv_dim = context_dim if context_dim > 0 else dim
        self.q_proj = linear(dim, dim)
        self.k_proj = linear(kv_dim, dim)
        self.v_proj = linear(kv_dim, dim)
        self.out_proj = linear(dim, dim)
        self.extra_k_proj = linear(extra_dim, dim) if extra_dim > 0 else None
        self.extra_v_proj = linear(extra_dim, dim) if extra_dim > 0 else None

    def _split(self, t):
        return t.reshape(t.size(0), t.size(1), self.heads, -1).transpose(1, 2)

    def forward(self, x, context=None, extra=None):
        src = x if context is None else context
        k = self.k_proj(src)
        v = self.v_proj(src)
        if extra is not None:
            k = torch.cat([k, self.extra_k_proj(extra).to(k.dtype)], 1)
            v = torch.cat([v, self.extra_v_proj(extra).to(v.dtype)], 1)
        q = self._split(self.q_proj(x))
        out = _attention(q, self._split(k).to(q.dtype), self._split(v).to(q.dtype))
        b, n = x.size(0), x.size(1)
        return self.out_proj(out.transpose(1, 2).reshape(b, n, -1))


class SpatialAttention(nn.Module):
    """SpatialAttention.java: x + attn(GN(x)) over the pixels, out_proj zero-initialised."""

    def __init__(self, channels, heads, extra_dim):
        super().__init__()
        self.norm = GroupNorm(groups_for(channels), channels)
        self.attn = MultiHeadAttention(channels, heads, 0, extra_dim)
        zero_(self.attn.out_proj.weight, self.attn.out_proj.bias)

    def forward(self, x, extra_tokens):
        b, c, h, w = x.shape
        tokens = self.norm(x).reshape(b, c, h * w).transpose(1, 2)
        attended = self.attn(tokens, None, extra_tokens)
        return x.add(attended.transpose(1, 2).reshape(b, c, h, w).to(x.dtype))


class Resample(nn.Module):
    """Resample.java: down = 3x3 conv stride 2 pad 1; up = nearest x2 then 3x3 conv."""

    def __init__(self, channels, up):
        super().__init__()
        self.up = up
        self.conv = conv2d(channels, channels, 3) if up else conv2d(channels, channels, 3, 2, 1)

    def forward(self, x):
        if not self.up:
            return self.conv(x)
        return self.conv(F.interpolate(x, size=(2 * x.size(2), 2 * x.size(3)), mode="nearest"))


# ----- the U-Net (dev.dalle2.decoder.UNet) -------------------------------------------------------

class Level(nn.Module):
    """UNet.Level: res (ModuleList), attn (ModuleList, only the attended blocks), then down/upsample."""

    def __init__(self):
        super().__init__()
        self.res = nn.ModuleList()
        self.attn = nn.ModuleList()
        self.attn_at = []  # index into attn for each res block, or None
        self.resample_name = None  # "downsample" or "upsample"; not a second registration of the module

    def add(self, block, attention):
        self.res.append(block)
        if attention is None:
            self.attn_at.append(None)
        else:
            self.attn_at.append(len(self.attn))
            self.attn.append(attention)

    def set_resample(self, name, module):
        self.add_module(name, module)
        self.resample_name = name

    @property
    def resample(self):
        return None if self.resample_name is None else getattr(self, self.resample_name)

    def block(self, j, h, emb, tokens):
        out = self.res[j](h, emb)
        a = self.attn_at[j]
        return out if a is None else self.attn[a](out, tokens)


class UNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        # Java registers the field initialisers `down` and `up` before the constructor body runs;
        # registering them first here gives the same parameter order as Module.namedParameters().
        self.down = nn.ModuleList()
        self.up = nn.ModuleList()
        self.cfg = cfg
        mc = cfg["modelChannels"]
        emb = 4 * mc  # UNetConfig.embedDim
        self.emb_dim = emb
        cond_dim = cfg["condDim"]
        cond_tokens = cfg["condTokens"]
        conditioned = cond_dim > 0
        self.time_embed = TimestepEmbedding(mc, emb)
        self.cond_proj = linear(cond_dim, emb) if conditioned else None
        self.cond_tokens = linear(cond_dim, cond_tokens * emb) if conditioned and cond_tokens > 0 else None
        if conditioned:
            self.null_cond = nn.Parameter(torch.randn(cond_dim) * (1 / math.sqrt(cond_dim)))
        else:
            self.null_cond = None
        extra_dim = emb if self.cond_tokens is not None else 0

        self.conv_in = conv2d(cfg["inChannels"], mc, 3)
        skips = [mc]
        ch = mc
        resolution = cfg["imageSize"]
        mult = cfg["channelMult"]
        levels = len(mult)
        dropout = float(cfg["dropout"])
        for i in range(levels):
            level = Level()
            self.down.append(level)
            out = mc * mult[i]
            for _ in range(cfg["numResBlocks"]):
                level.add(ResBlock(ch, out, emb, dropout), self._attention(out, resolution, extra_dim))
                ch = out
                skips.append(ch)
            if i < levels - 1:
                level.set_resample("downsample", Resample(ch, up=False))
                skips.append(ch)
                resolution //= 2
        self.mid_res1 = ResBlock(ch, ch, emb, dropout)
        self.mid_attn = SpatialAttention(ch, self._heads(ch), extra_dim)
        self.mid_res2 = ResBlock(ch, ch, emb, dropout)
        for i in range(levels - 1, -1, -1):
            level = Level()
            self.up.append(level)
            out = mc * mult[i]
            for _ in range(cfg["numResBlocks"] + 1):
                level.add(ResBlock(ch + skips.pop(), out, emb, dropout), self._attention(out, resolution, extra_dim))
                ch = out
            if i > 0:
                level.set_resample("upsample", Resample(ch, up=True))
                resolution *= 2
        self.out_norm = GroupNorm(groups_for(ch), ch)
        self.conv_out = conv2d(ch, cfg["outChannels"], 3)
        zero_(self.conv_out.weight, self.conv_out.bias)

    def _attention(self, channels, resolution, extra_dim):
        if resolution in self.cfg["attentionResolutions"]:
            return SpatialAttention(channels, self._heads(channels), extra_dim)
        return None

    def _heads(self, channels):
        return max(1, channels // self.cfg["headWidth"])

    def forward(self, x, t, cond):
        emb = self.time_embed(t)
        tokens = None
        if self.cond_proj is not None:
            emb = emb.add(self.cond_proj(cond))
            if self.cond_tokens is not None:
                tokens = self.cond_tokens(cond).reshape(cond.size(0), self.cfg["condTokens"], self.emb_dim)
        skips = []
        h = self.conv_in(x)
        skips.append(h)
        for level in self.down:
            for j in range(len(level.res)):
                h = level.block(j, h, emb, tokens)
                skips.append(h)
            if level.resample is not None:
                h = level.resample(h)
                skips.append(h)
        h = self.mid_res2(self.mid_attn(self.mid_res1(h, emb), tokens), emb)
        for level in self.up:
            for j in range(len(level.res)):
                skip = skips.pop()
                h = level.block(j, torch.cat([h, skip.to(h.dtype)], 1), emb, tokens)
            if level.resample is not None:
                h = level.resample(h)
        return self.conv_out(F.silu(self.out_norm(h))).float()

    def null_condition(self, batch):
        return self.null_cond.reshape(1, -1).expand(batch, -1)

    def drop_condition(self, cond, p, g):
        drop = torch.rand((cond.size(0), 1), generator=g).lt(p)
        return torch.where(drop, self.null_condition(cond.size(0)), cond)


# ----- diffusion (dev.dalle2.diffusion) ----------------------------------------------------------

def cosine_betas(steps):
    def f(t):
        c = math.cos((t / steps + 0.008) / 1.008 * math.pi / 2)
        return c * c
    return [min(1 - f(i + 1) / f(i), 0.999) for i in range(steps)]


def linear_betas(steps):
    scale = 1000.0 / steps
    start, end = 1e-4 * scale, 0.02 * scale
    return [start + (end - start) * i / (steps - 1) for i in range(steps)]


class Diffusion:
    """GaussianDiffusion.java on a (possibly respaced) schedule; coefficients float32 as in Java."""

    def __init__(self, betas, timesteps, prediction):
        self.prediction = prediction
        abar, prev, p = [], [], 1.0
        for b in betas:
            prev.append(p)
            p *= 1 - b
            abar.append(p)
        self.abar = abar
        self.abar_prev = prev
        f32 = lambda values: torch.tensor(values, dtype=torch.float64).float()
        self.timestep_map = torch.tensor(timesteps, dtype=torch.long)
        self.sqrt_abar = f32([math.sqrt(a) for a in abar])
        self.sqrt_1m_abar = f32([math.sqrt(1 - a) for a in abar])
        self.sqrt_recip_abar = f32([math.sqrt(1 / a) for a in abar])
        self.sqrt_recipm1_abar = f32([math.sqrt(1 / a - 1) for a in abar])

    @classmethod
    def from_config(cls, d):
        steps = int(d["steps"])
        betas = cosine_betas(steps) if d["schedule"] == "cosine" else linear_betas(steps)
        return cls(betas, list(range(steps)), str(d["prediction"]).lower())

    def respaced(self, count):
        """NoiseSchedule.respace(spacedTimesteps(T, count))."""
        total = len(self.abar)
        count = min(count, total)
        stride = (total - 1.0) / (count - 1)
        kept = [int(math.floor(i * stride + 0.5)) for i in range(count)]  # Java Math.round
        betas, original, previous = [], [], 1.0
        for k in kept:
            betas.append(1 - self.abar[k] / previous)
            original.append(int(self.timestep_map[k]))
            previous = self.abar[k]
        return Diffusion(betas, original, self.prediction)

    @property
    def steps(self):
        return len(self.abar)

    @staticmethod
    def extract(coefficients, t, rank):
        return torch.index_select(coefficients, 0, t).reshape([t.size(0)] + [1] * (rank - 1))

    def model_timesteps(self, t):
        return torch.index_select(self.timestep_map, 0, t)

    def q_sample(self, x0, t, noise):
        r = x0.dim()
        return self.extract(self.sqrt_abar, t, r).mul(x0).add(self.extract(self.sqrt_1m_abar, t, r).mul(noise))

    def target(self, x0, noise, t):
        if self.prediction in ("epsilon", "eps"):
            return noise
        if self.prediction == "x0":
            return x0
        r = x0.dim()
        return self.extract(self.sqrt_abar, t, r).mul(noise).sub(self.extract(self.sqrt_1m_abar, t, r).mul(x0))

    def predict_x0(self, xt, t, out):
        r = xt.dim()
        if self.prediction in ("epsilon", "eps"):
            return self.extract(self.sqrt_recip_abar, t, r).mul(xt).sub(self.extract(self.sqrt_recipm1_abar, t, r).mul(out))
        if self.prediction == "x0":
            return out
        return self.extract(self.sqrt_abar, t, r).mul(xt).sub(self.extract(self.sqrt_1m_abar, t, r).mul(out))

    def eps_from_x0(self, xt, t, x0):
        r = xt.dim()
        return self.extract(self.sqrt_recip_abar, t, r).mul(xt).sub(x0).div(self.extract(self.sqrt_recipm1_abar, t, r))

    def training_loss(self, model, x0, cond, g):
        """GaussianDiffusion.trainingLoss: t ~ U{0..T-1}, noise ~ N(0, I), mse(model(x_t), target)."""
        t = torch.randint(self.steps, (x0.size(0),), generator=g)
        noise = torch.randn(x0.shape, generator=g)
        xt = self.q_sample(x0, t, noise)
        output = model(xt, self.model_timesteps(t), cond)
        return F.mse_loss(output, self.target(x0, noise, t))


def ddim_sample(net, diffusion, guidance, eta, x0_mode, embedding, noise, g):
    """Sampler.sample + DdimSampler.step + ClassifierFreeGuidance.predict + DecoderSampling.sample."""
    batch = noise.size(0)
    uncond = net.null_condition(batch) if embedding is not None and guidance != 1 else None
    x = noise
    with torch.no_grad():
        for done in range(diffusion.steps):
            i = diffusion.steps - 1 - done
            t = torch.full((batch,), i, dtype=torch.long)
            mt = diffusion.model_timesteps(t)
            if uncond is not None:
                out = net(torch.cat([x, x], 0), torch.cat([mt, mt], 0), torch.cat([embedding, uncond], 0))
                c, u = out.narrow(0, 0, batch), out.narrow(0, batch, batch)
                out = u.add(c.sub(u), alpha=guidance)
            else:
                out = net(x, mt, embedding)
            x0 = diffusion.predict_x0(x, t, out)
            if x0_mode == "clip":
                x0 = x0.clamp(-1, 1)
            elif x0_mode != "none":
                raise SystemExit(f"x0 processing '{x0_mode}' is not mirrored here (use clip or none)")
            eps = diffusion.eps_from_x0(x, t, x0)
            abar, abar_prev = diffusion.abar[i], diffusion.abar_prev[i]
            sigma = eta * math.sqrt((1 - abar_prev) / (1 - abar)) * math.sqrt(1 - abar / abar_prev)
            mean = (x0 * math.sqrt(abar_prev)).add(eps, alpha=math.sqrt(max(0.0, 1 - abar_prev - sigma * sigma)))
            x = mean if i == 0 or sigma == 0 else mean.add(torch.randn(x.shape, generator=g), alpha=sigma)
    return x


# ----- measurement -------------------------------------------------------------------------------

def reset_peak_memory():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_memory_mib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int("".join(ch for ch in line if ch.isdigit())) // 1024
    except OSError:
        pass
    return -1


def blas_libraries():
    """Shared libraries with BLAS/LAPACK in their name mapped into this process."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and ("blas" in parts[5].lower() or "lapack" in parts[5].lower()):
                    found.add(os.path.realpath(parts[5]))
    except OSError:
        pass
    return sorted(found)


def blas_info():
    """BLAS_INFO of torch's build: 'generic' (Debian: whatever libblas.so.3 is), 'mkl' (pip wheels,
    linked statically, so it does not show among the mapped libraries), 'open' (OpenBLAS)..."""
    found = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    if found:
        return found.group(1)
    return "unknown"


def matmul_gflops(n=1024, repeats=10):
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    start = time.perf_counter()
    for _ in range(repeats):
        torch.mm(a, b)
    return 2.0 * n ** 3 * repeats / (time.perf_counter() - start) / 1e9


def lr_at(step, peak, warmup, total, min_ratio):
    """LrSchedule.at."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / (total - warmup))
    floor = peak * min_ratio
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * progress))


def adamw(params, lr, weight_decay, foreach):
    kwargs = {"lr": lr, "weight_decay": weight_decay}
    if "foreach" in inspect.signature(torch.optim.AdamW).parameters:
        kwargs["foreach"] = foreach  # libtorch's C++ AdamW updates one parameter at a time
    return torch.optim.AdamW(params, **kwargs)


def run(config, bf16, args):
    u, tr, samp = config["unet"], config["training"], config["sampling"]
    batch = args.batch or int(tr["batchSize"])
    s = int(u["imageSize"])
    seed = int(config.get("seed", 0))
    steps_total = args.warmup + args.steps
    # TrainingBenchmark: lr warm-up 0, cosine decay over warmup + steps.
    peak_lr, min_ratio = float(tr["learningRate"]), float(tr["minLrRatio"])
    ema_decay, clip, p_drop = float(tr["emaDecay"]), float(tr["gradClip"]), float(tr["condDropProb"])

    torch.manual_seed(seed)
    model = UNet(u)
    average = UNet(u)
    diffusion = Diffusion.from_config(config["diffusion"])

    # Random data as TrainingBenchmark.randomData: max(64, batch) images clamp(randn, -1, 1), randn conds.
    n_data = max(64, batch)
    pixels = torch.randn(n_data, 3, s, s).clamp(-1, 1).numpy()
    conds = torch.randn(n_data, int(u["condDim"])).numpy()

    # Ema: the average starts at the model's weights, in eval mode, without gradients.
    average.load_state_dict(model.state_dict())
    average.eval()
    for p in average.parameters():
        p.requires_grad_(False)
    params = list(model.parameters())
    avg_params = list(average.parameters())
    optimizer = adamw(params, peak_lr, float(tr["weightDecay"]), args.foreach)
    noise_gen = torch.Generator().manual_seed(seed)
    order = torch.Generator().manual_seed(seed + 7919)
    model.train(True)

    reset_ok = reset_peak_memory()
    rates, durations, losses = [], [], []
    for step in range(steps_total):
        idx = torch.randperm(n_data, generator=order)[:batch].numpy()  # the loader thread's work, untimed
        host_images, host_conds = pixels[idx], conds[idx]
        t0 = time.perf_counter()
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, peak_lr, 0, steps_total, min_ratio)
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            x0 = torch.from_numpy(host_images).clone()  # HostBatch.tensor copies the Java array
            cond = torch.from_numpy(host_conds).clone()
            cond = model.drop_condition(cond, p_drop, noise_gen)
            loss = diffusion.training_loss(model, x0, cond, noise_gen)
        loss.backward()
        value = loss.item()
        if not math.isfinite(value):
            raise SystemExit(f"loss became {value} at step {step}")
        grad_norm = float(torch.nn.utils.clip_grad_norm_(params, clip)) if clip > 0 else float("nan")
        optimizer.step()
        with torch.no_grad():  # Ema.update(step)
            weight = 1 - min(ema_decay, (1.0 + step) / (10.0 + step))
            for target, source in zip(avg_params, params):
                target.lerp_(source, weight)
        seconds = time.perf_counter() - t0
        if step >= args.warmup:
            rates.append(batch / seconds)
            durations.append(seconds)
            losses.append(value)
        if args.verbose:
            print(f"  step {step + 1}/{steps_total} loss {value:.4f} grad_norm {grad_norm:.3f} "
                  f"{batch / seconds:.2f} img/s", file=sys.stderr)
    train_peak = peak_memory_mib()

    # Sampling: DDIM respaced to sample-steps with guidance, EMA model, eval, same autocast.
    reset_peak_memory()
    sampler = diffusion.respaced(args.sample_steps)
    guidance = float(samp["guidance"])
    if str(samp.get("sampler", "ddim")) != "ddim":
        raise SystemExit("only the ddim sampler is mirrored here")
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        noise = torch.randn((args.sample_batch, 3, s, s), generator=torch.Generator().manual_seed(1))
        embedding = torch.randn(args.sample_batch, int(u["condDim"])) if int(u["condDim"]) > 0 else None
        args_sample = (average, sampler, guidance, float(samp.get("eta", 0.0)), str(samp.get("x0", "clip")),
                       embedding, noise, None)
        ddim_sample(*args_sample)
        started = time.perf_counter()
        ddim_sample(*args_sample)
        ms_per_step = (time.perf_counter() - started) * 1000 / sampler.steps
    sample_peak = peak_memory_mib()

    guided = embedding is not None and guidance != 1
    return {
        "precision": "bf16" if bf16 else "fp32",
        "train_images_per_s": sum(rates) / len(rates),
        "ms_per_sampling_step": ms_per_step,
        "peak_train_mib": train_peak,
        "peak_sample_mib": sample_peak,
        "train_images_per_s_total": batch * len(durations) / sum(durations),
        "implementation": "pytorch",
        "torch": torch.__version__,
        "attention": "sdpa" if HAS_SDPA else "math (no SDPA before torch 2.0)",
        "threads": torch.get_num_threads(),
        "parameters": sum(p.numel() for p in model.parameters()),
        "batch": batch,
        "warmup": args.warmup,
        "steps": args.steps,
        "sample_batch": args.sample_batch,
        "network_sample_batch": 2 * args.sample_batch if guided else args.sample_batch,
        "sample_steps": sampler.steps,
        "final_loss": losses[-1],
        "peak_reset": reset_ok,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="YAML recipe (default: configs/decoder-shapes-32.yaml)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed training steps first (default 3, as Java)")
    ap.add_argument("--steps", type=int, default=10, help="timed training steps (default 10, as Java)")
    ap.add_argument("--sample-batch", type=int, default=8,
                    help="images per sampling step; guidance doubles the network's batch (default 8)")
    ap.add_argument("--sample-steps", type=int, default=5, help="timed sampling steps (default 5, as Java)")
    ap.add_argument("--precision", default="both", choices=["fp32", "bf16", "both"])
    ap.add_argument("--batch", type=int, help="override training.batchSize (e.g. 2 for a smoke test)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (default: os.cpu_count())")
    ap.add_argument("--foreach", action="store_true", help="use AdamW's multi-tensor path (default: per parameter, as libtorch C++)")
    ap.add_argument("--print-names", action="store_true", help="print sorted parameter names and shapes, then exit")
    ap.add_argument("--blas-check", action="store_true", help="also time a 1024x1024 fp32 matmul")
    ap.add_argument("--verbose", action="store_true", help="print every training step")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    config, source = load_config(args.config)
    if config.get("kind", "decoder") != "decoder":
        raise SystemExit(f"kind '{config.get('kind')}' is not mirrored: only the decoder task is")
    if int(config["unet"]["condDim"]) <= 0:
        raise SystemExit("this reference mirrors the conditioned decoder (condDim > 0)")

    if args.print_names:
        torch.manual_seed(int(config.get("seed", 0)))
        model = UNet(config["unet"])
        for name, p in sorted(model.named_parameters()):
            print(name, list(p.shape))
        print(f"# {sum(p.numel() for p in model.parameters()):,} parameters in {len(list(model.parameters()))} tensors",
              file=sys.stderr)
        return

    torch.manual_seed(int(config.get("seed", 0)))
    count = sum(p.numel() for p in UNet(config["unet"]).parameters())
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, attention "
          f"{'SDPA' if HAS_SDPA else 'math (no SDPA in this torch)'}; U-Net {count:,} parameters")
    blas = blas_libraries()
    print(f"torch BLAS_INFO={blas_info()}; BLAS libraries mapped: " + (", ".join(blas) if blas else "none found"))
    if args.blas_check:
        print(f"1024x1024 fp32 matmul: {matmul_gflops():.1f} GFLOP/s")
    batch = args.batch or int(config["training"]["batchSize"])
    print(f"{source}, batch {batch}, {args.steps} timed steps after {args.warmup} warm-up; sampling batch "
          f"{args.sample_batch}, guidance {float(config['sampling']['guidance']):.1f}")
    print(f"{'precision':<9} {'train img/s':>14} {'ms/sampling step':>18} {'peak train MiB':>16} {'peak sample MiB':>17}")
    for bf16 in (False, True):
        if args.precision == ("bf16" if not bf16 else "fp32"):
            continue
        r = run(config, bf16, args)
        r["blas_info"] = blas_info()
        r["blas"] = blas
        print(f"{r['precision']:<9} {r['train_images_per_s']:14.2f} {r['ms_per_sampling_step']:18.1f} "
              f"{r['peak_train_mib']:16d} {r['peak_sample_mib']:17d}")
        print("json " + json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
