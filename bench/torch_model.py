"""PyTorch side of `collate-bench model`: a randomly initialised LlamaForCausalLM with the
SmolLM2-135M shapes, timed on request so the Swift side can interleave its own runs.

Protocol (one line in, one line out): the first line printed is a JSON banner; then each
request `prefill`, `decode`, `train` runs that workload once and prints its wall seconds;
`peak` prints the process's peak resident memory in MB (ru_maxrss). Threads come from argv[1].
"""
import json
import resource
import sys
import time

import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM
from peft import LoraConfig, get_peft_model

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(THREADS)
torch.manual_seed(0)

config = LlamaConfig(
    vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
    num_attention_heads=9, num_key_value_heads=3, rms_norm_eps=1e-5, rope_theta=100000.0,
    tie_word_embeddings=True, max_position_embeddings=2048, torch_dtype="float32",
    pad_token_id=None, bos_token_id=0, eos_token_id=None)
config._attn_implementation = "sdpa"
model = LlamaForCausalLM(config).eval()
generator = torch.Generator().manual_seed(1)
prefill_ids = torch.randint(0, config.vocab_size, (1, 256), generator=generator)
prompt_ids = torch.randint(0, config.vocab_size, (1, 8), generator=generator)
train_ids = torch.randint(0, config.vocab_size, (4, 256), generator=generator)

lora_model = None
optimizer = None


def prefill():
    with torch.inference_mode():
        model(prefill_ids, use_cache=True)  # all 256 positions' logits, as ours


def decode():
    with torch.inference_mode():
        out = model.generate(prompt_ids, max_new_tokens=64, min_new_tokens=64, do_sample=False,
                             pad_token_id=0)
    assert out.shape[1] == 8 + 64


def train():
    global lora_model, optimizer
    if lora_model is None:
        lora_model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"],
                                                      lora_dropout=0.0))
        lora_model.train()
        optimizer = torch.optim.AdamW([p for p in lora_model.parameters() if p.requires_grad], lr=1e-4)
    loss = lora_model(input_ids=train_ids, labels=train_ids).loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


WORKLOADS = {"prefill": prefill, "decode": decode, "train": train}
print(json.dumps({"torch": torch.__version__, "transformers": transformers.__version__,
                  "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    request = line.strip()
    if request == "peak":
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, flush=True)
        continue
    workload = WORKLOADS.get(request)
    if workload is None:
        print("error unknown request " + request, flush=True)
        continue
    start = time.perf_counter()
    workload()
    print(time.perf_counter() - start, flush=True)
