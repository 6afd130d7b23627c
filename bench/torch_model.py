"""PyTorch side of `collate-bench model`: a randomly initialised LlamaForCausalLM with the
SmolLM2-135M shapes, timed on request so the Swift side can interleave its own runs.

Protocol (one line in, one line out): the first line printed is a JSON banner; then each
request `prefill`, `decode`, `decode_f16`, `decode_bf16`, `train`, `dpo` runs that workload
once and prints its wall seconds (an error line when it cannot run, e.g. a dtype this CPU
build lacks);
`peak` prints the process's peak resident memory in MB (ru_maxrss). Threads come from argv[1].
"""
import copy
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
narrow_models = {}  # dtype name -> a 16-bit copy of the model; one kept at a time

# DPO: one pair, 2 x 256 tokens (64 prompt + 192 completion each), as collate-bench dpo.
DPO_PROMPT, DPO_LENGTH, DPO_BETA = 64, 256, 0.1
dpo_prompt = torch.randint(0, config.vocab_size, (1, DPO_PROMPT), generator=generator)
dpo_ids = torch.cat([dpo_prompt.repeat(2, 1),
                     torch.randint(0, config.vocab_size, (2, DPO_LENGTH - DPO_PROMPT), generator=generator)], dim=1)
dpo_state = {}


def prefill():
    with torch.inference_mode():
        model(prefill_ids, use_cache=True)  # all 256 positions' logits, as ours


def decode():
    with torch.inference_mode():
        out = model.generate(prompt_ids, max_new_tokens=64, min_new_tokens=64, do_sample=False,
                             pad_token_id=0)
    assert out.shape[1] == 8 + 64


def decode_narrow(dtype_name):
    if dtype_name not in narrow_models:
        narrow_models.clear()
        narrow_models[dtype_name] = copy.deepcopy(model).to(getattr(torch, dtype_name))
    with torch.inference_mode():
        out = narrow_models[dtype_name].generate(prompt_ids, max_new_tokens=64, min_new_tokens=64,
                                                 do_sample=False, pad_token_id=0)
    assert out.shape[1] == 8 + 64


def ensure_lora():
    global lora_model, optimizer
    if lora_model is None:
        narrow_models.clear()
        lora_model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"],
                                                      lora_dropout=0.0))
        lora_model.train()
        optimizer = torch.optim.AdamW([p for p in lora_model.parameters() if p.requires_grad], lr=1e-4)


def completion_logp_sums():
    """Sums of log p(token | prefix) over each row's completion tokens, [2]."""
    logits = lora_model(input_ids=dpo_ids).logits[:, :-1]                      # [2, 255, V]
    logp = torch.log_softmax(logits.float(), dim=-1).gather(-1, dpo_ids[:, 1:, None]).squeeze(-1)
    return logp[:, DPO_PROMPT - 1:].sum(-1)                                     # [2]


def dpo():
    ensure_lora()
    if not dpo_state:
        with torch.no_grad():
            dpo_state["reference"] = completion_logp_sums()
        dpo_state["optimizer"] = torch.optim.AdamW(
            [p for p in lora_model.parameters() if p.requires_grad], lr=1e-4)
    policy = completion_logp_sums()
    reference = dpo_state["reference"]
    margin = (policy[0] - reference[0]) - (policy[1] - reference[1])
    loss = -torch.nn.functional.logsigmoid(DPO_BETA * margin)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in lora_model.parameters() if p.requires_grad], 1.0)
    dpo_state["optimizer"].step()
    dpo_state["optimizer"].zero_grad(set_to_none=True)


def train():
    ensure_lora()
    loss = lora_model(input_ids=train_ids, labels=train_ids).loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


WORKLOADS = {"prefill": prefill, "decode": decode, "train": train, "dpo": dpo,
             "decode_f16": lambda: decode_narrow("float16"), "decode_bf16": lambda: decode_narrow("bfloat16")}
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
    try:
        workload()
    except Exception as error:  # reported, never turned into a time
        print("error " + request + ": " + repr(error).replace("\n", " "), flush=True)
        continue
    print(time.perf_counter() - start, flush=True)
