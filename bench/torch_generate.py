"""PyTorch side of `collate-bench generate`: transformers' batched `generate` with padding on
a randomly initialised LlamaForCausalLM with the SmolLM2-135M shapes and two LoRA adapters
(rank 8 on q and v, PEFT) with the batch's rows split between them (PEFT's mixed-adapter
batches, `adapter_names=`), greedy, left-padded prompts.

Protocol (one line in, one line out), as bench/torch_model.py: the first line printed is a
JSON banner; then each request `gen DTYPE B NEW` (DTYPE f32 or f16) runs `generate` once on
the first B prompts with NEW new tokens and prints its wall seconds (an error line when it
cannot run). The caller times NEW = 1 too and takes the difference as the decode time.
Prompt lengths come from argv[2] (comma-separated), threads from argv[1].
"""
import json
import sys
import time

import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM
from peft import LoraConfig, get_peft_model

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
LENGTHS = [int(x) for x in sys.argv[2].split(",")] if len(sys.argv) > 2 else [96] * 64
torch.set_num_threads(THREADS)
torch.manual_seed(0)

config = LlamaConfig(
    vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
    num_attention_heads=9, num_key_value_heads=3, rms_norm_eps=1e-5, rope_theta=100000.0,
    tie_word_embeddings=True, max_position_embeddings=2048, torch_dtype="float32",
    pad_token_id=0, bos_token_id=0, eos_token_id=None)
config._attn_implementation = "sdpa"
base = LlamaForCausalLM(config).eval()
lora = LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
model = get_peft_model(base, lora, adapter_name="p1")
model.add_adapter("p2", lora)
model.eval()
generator = torch.Generator().manual_seed(1)
prompts = [torch.randint(1, config.vocab_size, (n,), generator=generator) for n in LENGTHS]
models = {"f32": model}


def batch(b):
    """The first b prompts, left-padded, with the attention mask."""
    longest = max(len(p) for p in prompts[:b])
    ids = torch.zeros((b, longest), dtype=torch.long)
    mask = torch.zeros((b, longest), dtype=torch.long)
    for i, p in enumerate(prompts[:b]):
        ids[i, longest - len(p):] = p
        mask[i, longest - len(p):] = 1
    return ids, mask


def gen(dtype, b, new):
    if dtype not in models:
        models.clear()
        models["f32"] = model
        models[dtype] = model.to({"f16": torch.float16, "bf16": torch.bfloat16}[dtype]) if dtype != "f32" else model
    m = models[dtype]
    ids, mask = batch(b)
    names = ["p1" if i % 2 == 0 else "p2" for i in range(b)]
    start = time.perf_counter()
    with torch.inference_mode():
        out = m.generate(input_ids=ids, attention_mask=mask, max_new_tokens=new, min_new_tokens=new,
                         do_sample=False, pad_token_id=0, adapter_names=names)
    seconds = time.perf_counter() - start
    assert out.shape[1] == ids.shape[1] + new
    return seconds


print(json.dumps({"torch": torch.__version__, "transformers": transformers.__version__,
                  "threads": torch.get_num_threads(), "prompts": len(prompts)}), flush=True)
for line in sys.stdin:
    words = line.split()
    try:
        if len(words) == 4 and words[0] == "gen":
            print(f"{gen(words[1], int(words[2]), int(words[3])):.6f}", flush=True)
        else:
            print(f"error: unknown request {line.strip()!r}", flush=True)
    except Exception as error:  # reported as a reply line, as torch_model.py does
        print(f"error: {type(error).__name__}: {error}".replace("\n", " "), flush=True)
