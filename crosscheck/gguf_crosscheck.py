#!/usr/bin/env python3
"""Cross-checks our GGUF support (through the `collate model` CLI) against transformers'
own GGUF loading (`from_pretrained(dir, gguf_file=...)`) on a real GGUF file.

  - dequantized tensors: `collate model import-gguf --weights f32` writes model.safetensors;
    every tensor must equal transformers' dequantized state dict exactly;
  - the imported directory loads in transformers (model and tokenizer), with the same logits
    as transformers' GGUF model and the same token ids as ours;
  - the tokenizer.json import-gguf wrote (from tokenizer.ggml.*): equal to the reference on
    tokenizer_crosscheck.py's 327 texts; token ids of `collate model tokenize` on texts with
    CJK, emoji, digits and code: equal to the reference tokenizer;
  - per-token log-probs (F32) within 1e-4 of transformers', printed;
  - greedy 48 tokens: equal up to the reference's first near-tie (top-2 margin < 1e-3);
  - the --chat prompt's ids: equal to apply_chat_template(add_generation_prompt=True).

The reference tokenizer: transformers builds a GGUF's byte-level tokenizer with GPT-2's
ByteLevel split and adds the Split regex only for the pre-tokenizer names it knows; for
`tokenizer.ggml.pre = "smollm"` it leaves out the Digits step that llama.cpp's smollm type
(and SmolLM2's own tokenizer.json) has, so runs of digits are tokenized differently. We
follow llama.cpp and the original model; the reference gets that Digits step restored, and
where stock transformers differs it is printed (on the checked texts it may only where digits
run together; on the 327 texts 42 differ: digit runs, and other \p{N} characters such as
Arabic-Indic digits and superscripts).

Usage (in the reference venv): python crosscheck/gguf_crosscheck.py COLLATE_BINARY FILE.gguf [OUT_DIR]
Exit 0: all equal; 1: a mismatch (printed).
"""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer, pre_tokenizers
from transformers import AutoModelForCausalLM, AutoTokenizer

TEXTS = [
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.",
    "日本語のテキストです。東京は2024年に",
    "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 and 🇯🇵",
    "digits 1234567890 3.14159 1,000,000",
    "def add(a, b):\n    return a + b  # sum\n\nprint(add(2, 40))",
    "I'm sure they'll say we've done it; DON'T.",
    "<|im_start|>user\nHi<|im_end|>",
]
SCORED = [TEXTS[1], TEXTS[4]]  # and the chat prompt, below
PROMPT = "The three primary colors are"
CHAT = "What is the capital of France?"
FAILURES = []


START = time.monotonic()


def check(ok, message):
    print(("ok    " if ok else "FAIL  ") + f"[{time.monotonic() - START:5.1f}s] " + message)
    if not ok:
        FAILURES.append(message)


def run_cli(binary, *args):
    result = subprocess.run([binary, "model", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"collate model {' '.join(args[:2])} failed: {result.stderr.strip()}")
    return result.stdout


def restore_digits(tokenizer, pre):
    """The smollm pre-tokenizer llama.cpp runs: each digit its own piece, then GPT-2's split."""
    if pre == "smollm":
        tokenizer.backend_tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)])


def main():
    binary, gguf_path = sys.argv[1], os.path.abspath(sys.argv[2])
    out = sys.argv[3] if len(sys.argv) > 3 else ".build/crosscheck-gguf"
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    folder, name = os.path.dirname(gguf_path), os.path.basename(gguf_path)
    from gguf import GGUFReader
    field = GGUFReader(gguf_path).fields["tokenizer.ggml.pre"]
    pre = bytes(field.parts[field.data[0]]).decode()

    reference = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    stock = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    tokenizer = copy.deepcopy(stock)
    restore_digits(tokenizer, pre)

    # Dequantized tensors, through import-gguf.
    imported = os.path.join(out, "hf")
    run_cli(binary, "import-gguf", gguf_path, "--out", imported, "--weights", "f32")
    ours = load_file(os.path.join(imported, "model.safetensors"))
    theirs = reference.state_dict()
    worst = max((ours[k] - theirs[k]).abs().max().item() for k in ours)
    check(set(ours) <= set(theirs) and all(ours[k].shape == theirs[k].shape for k in ours) and worst == 0,
          f"{len(ours)} dequantized tensors equal transformers' (max |diff| {worst:.1e})")

    # The imported directory in transformers.
    loaded = AutoModelForCausalLM.from_pretrained(imported, dtype=torch.float32).eval()
    loaded_tokenizer = AutoTokenizer.from_pretrained(imported)
    probe = tokenizer(TEXTS[0], add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        difference = (loaded(torch.tensor([probe])).logits - reference(torch.tensor([probe])).logits).abs().max().item()
    check(difference == 0, f"import-gguf's directory loads in transformers with identical logits (max |diff| {difference:.1e})")

    # Our tokenizer.json (what import-gguf wrote from tokenizer.ggml.*) in HF tokenizers against the
    # reference on tokenizer_crosscheck.py's 300+ texts; our Swift tokenizer matches HF tokenizers
    # on a given tokenizer.json (TokenizerCrosscheckTests), and on the texts below directly.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from tokenizer_crosscheck import TEXTS as MANY  # noqa: E402
    ours_json = Tokenizer.from_file(os.path.join(imported, "tokenizer.json"))
    differing = [t for t in MANY if ours_json.encode(t, add_special_tokens=False).ids != tokenizer(t, add_special_tokens=False)["input_ids"]]
    check(not differing, f"our tokenizer.json equals the reference on {len(MANY)} texts"
          + (f"; first difference: {differing[0][:40]!r}" if differing else ""))
    stock_differs = sum(stock(t, add_special_tokens=False)["input_ids"] != tokenizer(t, add_special_tokens=False)["input_ids"] for t in MANY)
    print(f"      (stock transformers, without smollm's Digits step, differs on {stock_differs} of them)")

    # Token ids.
    for text in TEXTS:
        ids = json.loads(run_cli(binary, "tokenize", gguf_path, "--text", text))["ids"]
        expected = tokenizer(text, add_special_tokens=False)["input_ids"]
        check(ids == expected, f"token ids of {text[:30]!r} ({len(ids)} tokens)")
        via_import = loaded_tokenizer(text, add_special_tokens=False)["input_ids"]
        check(via_import == expected, f"  imported tokenizer.json in transformers gives the same ids")
        stock_ids = stock(text, add_special_tokens=False)["input_ids"]
        if stock_ids != expected:
            check(re.search(r"\d\d", text) is not None,
                  f"  stock transformers differs only on digit runs (it drops smollm's Digits step): {len(stock_ids)} vs {len(expected)} tokens")

    # Per-token log-probs (the chat prompt's too, with its ids against apply_chat_template's).
    def compare_logprobs(label, result):
        ids = result["ids"]
        with torch.no_grad():
            logits = reference(torch.tensor([ids])).logits[0].double()
        expected = torch.log_softmax(logits, dim=-1)[:-1].gather(1, torch.tensor(ids[1:])[:, None])[:, 0]
        difference = max(abs(a - b) for a, b in zip(result["logprobs"][1:], expected.tolist()))
        check(difference <= 1e-4, f"log-probs of {label}: max |diff| {difference:.2e} over {len(ids) - 1} tokens")

    for text in SCORED:
        compare_logprobs(repr(text[:30]), json.loads(run_cli(binary, "logprobs", gguf_path, "--text", text, "--json")))
    chat = json.loads(run_cli(binary, "logprobs", gguf_path, "--chat", "--text", CHAT, "--json"))
    expected = tokenizer.apply_chat_template([{"role": "user", "content": CHAT}], add_generation_prompt=True, tokenize=True)
    if hasattr(expected, "keys"):
        expected = expected["input_ids"]
    check(chat["ids"] == list(expected), f"--chat prompt ids equal apply_chat_template's ({len(chat['ids'])} tokens)")
    compare_logprobs("the --chat prompt", chat)

    # Greedy 48 tokens: equal to the reference's greedy path up to its first near-tie.
    prompt_ids = tokenizer(PROMPT, add_special_tokens=False)["input_ids"]
    ours_greedy = json.loads(run_cli(binary, "generate", gguf_path, "--prompt", PROMPT, "--max-tokens", "48", "--json"))["ids"]
    with torch.no_grad():
        generated = reference.generate(torch.tensor([prompt_ids]), max_new_tokens=48, do_sample=False, output_logits=True,
                                       return_dict_in_generate=True, pad_token_id=reference.config.eos_token_id)
    theirs_greedy = generated.sequences[0, len(prompt_ids):].tolist()
    margins = [(lambda top: (top[0] - top[1]).item())(torch.topk(step[0].float(), 2).values) for step in generated.logits]
    first_tie = next((step for step, margin in enumerate(margins) if margin < 1e-3), None)
    agree = next((step for step, (a, b) in enumerate(zip(ours_greedy, theirs_greedy)) if a != b),
                 min(len(ours_greedy), len(theirs_greedy)))
    same = ours_greedy == theirs_greedy or (first_tie is not None and agree >= first_tie)
    check(same, f"greedy: {agree} of {len(theirs_greedy)} tokens equal"
          + (f" (first near-tie at step {first_tie})" if first_tie is not None else " (no near-tie)"))

    if FAILURES:
        print(f"{len(FAILURES)} GGUF cross-check failure(s)")
        sys.exit(1)
    print("GGUF cross-check: all equal")


if __name__ == "__main__":
    main()
