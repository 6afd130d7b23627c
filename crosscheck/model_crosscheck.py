#!/usr/bin/env python3
"""Cross-checks the Swift model runtime (through the `collate model` CLI) against
transformers and peft on tiny random checkpoints.

For Llama (tied; untied with llama3 rope scaling) and Qwen2 (q/k/v biases), in F32 and
BF16, it builds a random model with transformers, saves it with a trained byte-level BPE
tokenizer (tokenizer_crosscheck.py's Llama 3 and Qwen2 forms), and compares:
  - token ids of every text: exactly equal;
  - per-token log-probs of every text: max abs difference <= 1e-4 (F32), <= 2e-2 (BF16;
    the reference runs the BF16 weights widened to F32, as we do), printed;
  - greedy tokens: equal wherever the reference's top-2 logit margin exceeds 1e-3;
  - a PEFT LoRA adapter with non-zero B (and one with rsLoRA): log-probs as peft computes.

Usage (in the reference venv): python crosscheck/model_crosscheck.py COLLATE_BINARY [OUT_DIR]
Exit 0: all equal; 1: a mismatch (printed).
"""
import json
import os
import subprocess
import sys

import torch
from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_crosscheck import forms  # noqa: E402

TEXTS = [
    "Natalia sold clips to 48 of her friends in April.",
    "日本語のテキストです。東京は2024年に",
    "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 and 🇯🇵",
    "digits 1234567890 3.14159 1,000,000",
    "I'm sure they'll say we've done it; DON'T.",
    "special<|endoftext|>in the middle",
]
FAILURES = []


def run_cli(binary, *args):
    result = subprocess.run([binary, "model", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"collate model {' '.join(args[:2])} failed: {result.stderr.strip()}")
    return result.stdout


def build(kind, tied, scaling, tokenizer, folder, seed):
    torch.manual_seed(seed)
    common = dict(
        vocab_size=tokenizer.get_vocab_size(), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256, rms_norm_eps=1e-5,
        tie_word_embeddings=tied, eos_token_id=tokenizer.token_to_id("<|endoftext|>"))
    if kind == "qwen2":
        model = Qwen2ForCausalLM(Qwen2Config(**common))
    else:
        if scaling:
            common["rope_scaling"] = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                      "high_freq_factor": 4.0, "original_max_position_embeddings": 32}
        model = LlamaForCausalLM(LlamaConfig(**common))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_(1 + 0.1 * torch.randn_like(p))
            else:
                p.normal_(0, 0.15)
    model.eval()
    return model


def logprobs(model, ids):
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].float()
    return torch.log_softmax(logits, -1)[:-1].gather(1, torch.tensor(ids[1:])[:, None])[:, 0].tolist(), logits


def compare_logprobs(label, ref, ours, tolerance):
    ours = ours[1:]
    if len(ours) != len(ref):
        FAILURES.append(f"{label}: {len(ours)} log-probs, reference has {len(ref)}")
        return 0.0
    diff = max((abs(a - b) for a, b in zip(ref, ours)), default=0.0)
    if diff > tolerance:
        FAILURES.append(f"{label}: log-prob max abs diff {diff:.3g} > {tolerance}")
    return diff


def check_model(binary, out, name, kind, tied, scaling, tokenizer, dtype, seed, adapters=False):
    folder = os.path.join(out, name)
    model = build(kind, tied, scaling, tokenizer, folder, seed)
    if dtype == "bf16":
        model = model.to(torch.bfloat16)
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save(os.path.join(folder, "tokenizer.json"))
    # Reloaded from the files in F32: BF16 weights widened as the Swift runtime widens them
    # (casting the in-memory model instead would also round its RoPE frequencies to BF16).
    reference = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    tolerance = 1e-4 if dtype == "f32" else 2e-2
    worst, greedy_checked = 0.0, 0
    for text in TEXTS:
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        ours_ids = json.loads(run_cli(binary, "tokenize", folder, "--text", text, "--json"))["ids"]
        if ours_ids != ids:
            FAILURES.append(f"{name}: token ids differ for {text!r}: {ours_ids} vs {ids}")
            continue
        ref, _ = logprobs(reference, ids)
        ours = json.loads(run_cli(binary, "logprobs", folder, "--text", text, "--json"))["logprobs"]
        worst = max(worst, compare_logprobs(f"{name} {text!r}", ref, ours, tolerance))
        # Greedy: our tokens against the reference's arg-max, where its margin is clear.
        generated = json.loads(run_cli(binary, "generate", folder, "--prompt", text, "--max-tokens", "8", "--json"))["ids"]
        sequence = list(ids)
        for token in generated:
            with torch.no_grad():
                row = reference(torch.tensor([sequence])).logits[0, -1].float()
            top = torch.topk(row, 2)
            if (top.values[0] - top.values[1]).item() <= 1e-3:
                break
            if token != top.indices[0].item():
                FAILURES.append(f"{name}: greedy token {len(sequence) - len(ids)} of {text!r} is {token}, reference {top.indices[0].item()}")
                break
            greedy_checked += 1
            sequence.append(token)
    print(f"{name}: {len(TEXTS)} texts, ids equal, log-prob max abs diff {worst:.3g} (<= {tolerance}), {greedy_checked} greedy tokens checked")
    if adapters:
        check_adapters(binary, out, name, reference, tokenizer, folder)


def check_adapters(binary, out, name, model, tokenizer, folder):
    from peft import LoraConfig, get_peft_model
    for rslora in (False, True):
        config = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, use_rslora=rslora, task_type="CAUSAL_LM",
                            target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        peft_model = get_peft_model(model, config)
        with torch.no_grad():
            for parameter_name, p in peft_model.named_parameters():
                if "lora_B" in parameter_name:
                    p.normal_(0, 0.2)
        adapter_dir = os.path.join(out, f"{name}-adapter-rslora{int(rslora)}")
        peft_model.save_pretrained(adapter_dir)
        peft_model.eval()
        worst = 0.0
        for text in TEXTS:
            ids = tokenizer.encode(text, add_special_tokens=False).ids
            ref, _ = logprobs(peft_model, ids)
            ours = json.loads(run_cli(binary, "logprobs", folder, "--text", text, "--adapter", adapter_dir, "--json"))["logprobs"]
            worst = max(worst, compare_logprobs(f"{name} adapter rslora={rslora} {text!r}", ref, ours, 1e-4))
        model = peft_model.unload()
        print(f"{name} + PEFT adapter (rslora={rslora}): log-prob max abs diff {worst:.3g} (<= 1e-4)")


def main():
    binary = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(".build", "crosscheck-model")
    os.makedirs(out, exist_ok=True)
    tokenizers = {name: tokenizer for name, tokenizer, _ in forms() if name in ("llama3", "qwen2")}
    for dtype in ("f32", "bf16"):
        check_model(binary, out, f"llama-tied-{dtype}", "llama", True, False, tokenizers["llama3"], dtype, 1)
        check_model(binary, out, f"llama-untied-llama3rope-{dtype}", "llama", False, True, tokenizers["llama3"], dtype, 2,
                    adapters=dtype == "f32")
        check_model(binary, out, f"qwen2-bias-{dtype}", "qwen2", False, False, tokenizers["qwen2"], dtype, 3,
                    adapters=dtype == "f32")
    if FAILURES:
        print("MODEL CROSS-CHECK FAILED:")
        for failure in FAILURES:
            print("  " + failure)
        sys.exit(1)
    print("model cross-check passed")


if __name__ == "__main__":
    main()
