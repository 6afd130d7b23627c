#!/usr/bin/env python3
"""Cross-checks the hand-off to TRL/PEFT/vLLM/LLaMA-Factory/DeepSpeed (issue 8) against the
real libraries on a tiny random Llama and a tiny session made with our CLI.

  1. A random Llama (transformers, F32, HF layout, Llama-3-style BPE tokenizer with BOS) and
     a 10-problem GSM8K-format session; each provider's iteration-0 adapter is a PEFT adapter
     with random non-zero A and B, brought in with `collate import-adapter`.
  2. generate / score / pairs / one human label, `collate export --format trl` (reference
     log-probs computed by the export), `collate train` (2 steps, the full set per step,
     constant learning rate, no warm-up, no clipping, no weight decay), `--format peft`; the same
     for the IPO and hinge losses and the SFT term ([dpo] sft_weight) on copies of the session.
  3. scale/train_dpo.py (the recipe itself) runs TRL's DPOTrainer 2 steps from the exported
     start adapter with the exported reference log-probs. Checks: its token ids equal ours for
     every row; first-step loss = ln 2 within 1e-4; second-step loss and the adapter after two
     steps equal `collate train`'s within 1e-3.
  4. PEFT loads our exported adapter onto the HF base: completion log-probs equal
     `collate model logprobs --adapter` within 2e-3; `collate import-adapter` of TRL's adapter
     round-trips the same way.
  5. `collate import-metrics` of TRL's trainer_state.json: same steps and losses.
  6. Schemas (no GPU here): LLaMA-Factory's dataset_info.json/alpaca preference rows (its
     data/README.md), scale/accelerate_zero2.yaml through accelerate's own ClusterConfig parser
     (DeepSpeed ZeRO-2 keys), and the `collate serve-command` line against vLLM's documented
     serve flags (--enable-lora, --lora-modules name=path, --max-lora-rank in its allowed set).

Usage (in the reference venv): python crosscheck/scale_crosscheck.py COLLATE_BINARY OUT_DIR
Exit 0: all equal; 1: a mismatch (printed).
"""
import json
import math
import os
import shlex
import shutil
import subprocess
import sys

import torch
from peft import AutoPeftModelForCausalLM, LoraConfig, get_peft_model
from safetensors.torch import load_file
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from tokenizer_crosscheck import forms  # noqa: E402

FAILURES = []
SESSION = "tiny"
trl_logged = []  # the sigmoid run's log_history steps, for the import-metrics check


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message)
    if not ok:
        FAILURES.append(message)


def collate(binary, sessions, *args):
    command = [binary, *args, "--sessions-dir", sessions] if args[0] not in ("model",) else [binary, *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"collate {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def build_model(folder):
    tokenizer = next(t for name, t, _ in forms() if name == "llama3")
    torch.manual_seed(7)
    config = LlamaConfig(vocab_size=tokenizer.get_vocab_size(), hidden_size=64, intermediate_size=128,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=256, rms_norm_eps=1e-5, tie_word_embeddings=True,
                         bos_token_id=tokenizer.token_to_id("<|begin_of_text|>"),
                         eos_token_id=tokenizer.token_to_id("<|endoftext|>"))
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(1 + 0.1 * torch.randn_like(p)) if "norm" in name else p.normal_(0, 0.15)
    model.save_pretrained(folder, safe_serialization=True)
    hf_tokenizer = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<|begin_of_text|>",
                                           eos_token="<|endoftext|>", pad_token="<|endoftext|>")
    hf_tokenizer.save_pretrained(folder)
    return model, hf_tokenizer


def write_session(sessions, model_dir, data_dir):
    os.makedirs(data_dir, exist_ok=True)
    names = ["Tom", "Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jo", "Kim"]
    with open(os.path.join(data_dir, "train.jsonl"), "w") as f:
        for i, name in enumerate(names[:10]):
            a, b = i + 2, 3 * i + 1
            f.write(json.dumps({"question": f"{name} has {a} apples and buys {b} more. How many apples now?",
                                "answer": f"{name} has {a} + {b} = {a + b} apples.\n#### {a + b}"}) + "\n")
    with open(os.path.join(data_dir, "test.jsonl"), "w") as f:
        for i, name in enumerate(names[10:]):
            f.write(json.dumps({"question": f"{name} has {i + 4} pens and loses 1. How many pens?",
                                "answer": f"{name} has {i + 4} - 1 = {i + 3} pens.\n#### {i + 3}"}) + "\n")
    folder = os.path.join(sessions, SESSION)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "session.toml"), "w") as f:
        f.write(f"""model = {json.dumps(model_dir)}
[data]
format = "gsm8k"
train = {json.dumps(os.path.join(data_dir, "train.jsonl"))}
test = {json.dumps(os.path.join(data_dir, "test.jsonl"))}
[splits]
seed = 0
validation_size = 2
[providers]
count = 2
[templates]
answer = "Q: {{instruction}}\\nA:\\n"
rationale = "Q: {{instruction}}\\nR:\\n"
answer_with_rationale = "Q: {{instruction}}\\nR:\\n{{rationale}}\\nA:\\n"
[decoding]
strategy = "greedy"
max_new_tokens = 6
[dpo]
beta = 0.1
loss = "sigmoid"
learning_rate = 0.01
epochs = 1
max_steps = 2
batch_size = 16
checkpoint_every = 1
lr_scheduler = "constant"
warmup_ratio = 0.0
max_grad_norm = 0.0
weight_decay = 0.0
[lora]
rank = 4
alpha = 8.0
dropout = 0.0
targets = ["q", "v"]
[ablations]
no_filter = true
""")


def start_adapters(model, folder, count):
    """A PEFT adapter per provider with random non-zero A and B (so both factors get gradients)."""
    paths = []
    for provider in range(1, count + 1):
        torch.manual_seed(100 + provider)
        peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0,
                                                      target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
        with torch.no_grad():
            for name, p in peft_model.named_parameters():
                if "lora_" in name:
                    p.normal_(0, 0.2)
        path = os.path.join(folder, f"start-provider-{provider}")
        peft_model.save_pretrained(path)
        model = peft_model.unload()
        paths.append(path)
    return paths


def completion_logprobs(model, tokenizer, prompt, completion):
    prompt_ids = tokenizer(prompt)["input_ids"]
    ids = prompt_ids + tokenizer(completion, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].float()
    logp = torch.log_softmax(logits, -1)[:-1].gather(1, torch.tensor(ids[1:])[:, None])[:, 0]
    return ids, logp[len(prompt_ids) - 1:].tolist()


def compare_peft(binary, sessions, model_dir, adapter_dir, rows, label, tokenizer):
    # The base is found through the adapter's base_model_name_or_path, as a user of the export would.
    peft_model = AutoPeftModelForCausalLM.from_pretrained(adapter_dir, dtype=torch.float32).eval()
    check(os.path.samefile(peft_model.peft_config["default"].base_model_name_or_path, model_dir),
          f"{label}: PEFT found the base through base_model_name_or_path")
    worst = 0.0
    for row in rows[:2]:
        for completion in (row["chosen"], row["rejected"]):
            ids, ref = completion_logprobs(peft_model, tokenizer, row["prompt"], completion)
            out = json.loads(collate(binary, sessions, "model", "logprobs", model_dir, "--prompt", row["prompt"],
                                     "--completion", completion, "--adapter", adapter_dir, "--json").stdout)
            ours = [x for x in out["logprobs"] if x is not None]
            if out["ids"] != ids or len(ours) != len(ref):
                check(False, f"{label}: token ids differ from the HF tokenizer's for {completion!r}")
                return
            worst = max(worst, max(abs(a - b) for a, b in zip(ours, ref)))
    check(worst <= 2e-3, f"{label}: PEFT log-probs vs `collate model logprobs --adapter`: max diff {worst:.2e} (<= 2e-3)")


def adapter_tensors(directory):
    return {k: v.float() for k, v in load_file(os.path.join(directory, "adapter_model.safetensors")).items()}


def main():
    binary, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(out, ignore_errors=True)
    sessions, model_dir = os.path.join(out, "sessions"), os.path.join(out, "model")
    os.makedirs(model_dir)
    model, tokenizer = build_model(model_dir)
    write_session(sessions, model_dir, os.path.join(out, "data"))
    collate(binary, sessions, "init", SESSION)
    collate(binary, sessions, "import", SESSION)
    collate(binary, sessions, "providers", SESSION)
    for provider, path in enumerate(start_adapters(model, out, 2), start=1):
        collate(binary, sessions, "import-adapter", SESSION, "--provider", str(provider), "--iteration", "0",
                "--replace", path)
    for stage in ("generate", "score", "pairs"):
        collate(binary, sessions, stage, SESSION)
    folder = os.path.join(sessions, SESSION)
    collate(binary, sessions, "export", SESSION)
    first = json.loads(open(os.path.join(folder, "exports/iteration-1/provider-1.preferences.jsonl")).readline())
    collate(binary, sessions, "label", SESSION, "--prompt", str(first["prompt_id"]), "--chosen",
            str(first["rejected_provider"]), "--rejected", str(first["chosen_provider"]), "--note", "crosscheck")
    collate(binary, sessions, "export", SESSION, "--format", "trl", "--iteration", "1")
    export_dir = os.path.join(folder, "exports/trl/iteration-1/provider-1")
    rows = [json.loads(line) for line in open(os.path.join(export_dir, "train.jsonl"))]
    metadata = json.load(open(os.path.join(export_dir, "collate_export.json")))
    check(len(rows) >= 2 and all(r["ref_chosen_logps"] is not None for r in rows),
          f"trl export: {len(rows)} rows, each with ref_chosen_logps/ref_rejected_logps")
    check(metadata["label_sources"].get("human", 0) + metadata["label_sources"].get("auto", 0) == len(rows),
          f"trl export card counts label sources {metadata['label_sources']}")

    # Token boundaries: TRL encodes prompt+completion+eos as one string and splits at the common prefix.
    same = all(tokenizer(r["prompt"] + c + tokenizer.eos_token)["input_ids"]
               == tokenizer(r["prompt"])["input_ids"] + tokenizer(c, add_special_tokens=False)["input_ids"]
               + [tokenizer.eos_token_id] for r in rows for c in (r["chosen"], r["rejected"]))
    check(same, "TRL's joint tokenisation of every row equals ours (prompt and completion encoded separately)")

    # The other loss types on copies of the session made before training (same pairs, same references).
    # "sigmoid+sft": [dpo] sft_weight, TRL's loss_type ["sigmoid", "sft"] with loss_weights [1, 0.5].
    variants = {}
    for name, loss, extra in (("ipo", "ipo", ""), ("hinge", "hinge", ""), ("sigmoid+sft", "sigmoid", "\nsft_weight = 0.5")):
        variants[name] = (loss, os.path.join(out, f"sessions-{name}"))
        shutil.copytree(sessions, variants[name][1])
        toml = os.path.join(variants[name][1], SESSION, "session.toml")
        with open(toml) as f:
            text = f.read().replace('loss = "sigmoid"', f'loss = "{loss}"{extra}')
        with open(toml, "w") as f:
            f.write(text)

    ours_adapter, trl_out = compare_training(binary, sessions, out, "sigmoid")
    config = json.load(open(os.path.join(ours_adapter, "adapter_config.json")))
    check(config["base_model_name_or_path"] == os.path.realpath(model_dir) or config["base_model_name_or_path"] == model_dir,
          f"peft export base_model_name_or_path = {config['base_model_name_or_path']}")
    for name, (loss, variant_sessions) in variants.items():
        collate(binary, variant_sessions, "export", SESSION, "--format", "trl", "--iteration", "1")
        compare_training(binary, variant_sessions, out, name, loss)

    compare_peft(binary, sessions, model_dir, ours_adapter, rows, "our trained adapter", tokenizer)
    collate(binary, sessions, "import-adapter", SESSION, "--provider", "1", "--iteration", "1", "--replace",
            os.path.join(trl_out, "adapter"))
    compare_peft(binary, sessions, model_dir, os.path.join(folder, "adapters/iteration-1/provider-1"), rows,
                 "TRL's adapter imported with import-adapter", tokenizer)

    imported = collate(binary, sessions, "import-metrics", SESSION, os.path.join(trl_out, "trainer_state.json")).stdout
    run_id = imported.strip().split()[-1]
    collate(binary, sessions, "export", SESSION)
    back = [json.loads(line) for line in open(os.path.join(folder, f"exports/metrics/run-{run_id}-imported.jsonl"))]
    check([b["step"] for b in back] == [e["step"] for e in trl_logged]
          and all(abs(b["loss"] - e["loss"]) <= 1e-12 for b, e in zip(back, trl_logged)),
          f"import-metrics of TRL's trainer_state.json: steps {[b['step'] for b in back]} and losses as logged")

    check_llamafactory(binary, sessions, folder)
    check_accelerate(os.path.join(ROOT, "scale/accelerate_zero2.yaml"))
    check_rank_warning(binary, sessions, model, out)
    check_vllm(binary, sessions)
    if FAILURES:
        print(f"{len(FAILURES)} scale cross-check failure(s)")
        sys.exit(1)
    print("scale cross-check: all equal")


def compare_training(binary, sessions, out, name, loss=None):
    """`collate train` 2 steps and scale/train_dpo.py (TRL) 2 steps on the same export: losses and adapters.
    `name` labels the run (the loss type, or "sigmoid+sft"); `loss` is the export's loss_type (default: name)."""
    loss = loss or name
    folder = os.path.join(sessions, SESSION)
    export_dir = os.path.join(folder, "exports/trl/iteration-1/provider-1")
    check(json.load(open(os.path.join(export_dir, "collate_export.json")))["optimisation"]["loss_type"] == loss,
          f"{name}: the export's collate_export.json carries loss_type {loss}")
    collate(binary, sessions, "train", SESSION, "--iteration", "1", "--provider", "1")
    collate(binary, sessions, "export", SESSION, "--format", "peft", "--iteration", "1")
    ours_adapter = os.path.join(folder, "exports/peft/iteration-1/provider-1")
    collate(binary, sessions, "export", SESSION)
    # The newest DPO run is the `train` just made (the providers stage trained runs of its own before it).
    metric_files = sorted((f for f in os.listdir(os.path.join(folder, "exports/metrics")) if f.endswith("-dpo.jsonl")),
                          key=lambda name: int(name.split("-")[1]))
    ours_steps = [json.loads(line) for line in open(os.path.join(folder, "exports/metrics", metric_files[-1]))]

    trl_out = os.path.join(out, f"trl-run-{name}")
    env = dict(os.environ, TQDM_DISABLE="1", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run([sys.executable, "-W", "ignore", os.path.join(ROOT, "scale/train_dpo.py"), export_dir,
                             "--output-dir", trl_out, "--max-steps", "2"], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"scale/train_dpo.py failed: {result.stderr[-3000:]}")
    state = json.load(open(os.path.join(trl_out, "trainer_state.json")))
    logged = [e for e in state["log_history"] if "loss" in e and "step" in e]
    if name == "sigmoid":
        trl_logged.extend(logged)
    check(len(logged) == 2 and len(ours_steps) == 2, f"{name}: 2 logged steps each (TRL {len(logged)}, ours {len(ours_steps)})")
    if name == "sigmoid":
        check(abs(logged[0]["loss"] - math.log(2)) <= 1e-4,
              f"sigmoid: TRL first-step loss {logged[0]['loss']:.7f} = ln 2 within 1e-4 (ours {ours_steps[0]['loss']:.7f})")
    else:
        check(abs(logged[0]["loss"] - ours_steps[0]["loss"]) <= 1e-3 * max(1, abs(ours_steps[0]["loss"])),
              f"{name}: first-step loss TRL {logged[0]['loss']:.7f}, ours {ours_steps[0]['loss']:.7f}")
    diff = abs(logged[1]["loss"] - ours_steps[1]["loss"])
    check(diff <= 1e-3 * max(1, abs(ours_steps[1]["loss"])),
          f"{name}: second-step loss TRL {logged[1]['loss']:.7f}, ours {ours_steps[1]['loss']:.7f} (diff {diff:.2e}, "
          f"within 1e-3{' relative' if abs(ours_steps[1]['loss']) > 1 else ''})")
    keys = ("rewards/chosen", "rewards/rejected", "rewards/margins", "logps/chosen", "logps/rejected")
    worst = max(abs(t[k] - o[k]) / max(1, abs(o[k])) for t, o in zip(logged, ours_steps) for k in keys)
    check(worst <= 1e-3, f"{name}: {', '.join(keys)} as TRL logs them, both steps (max relative diff {worst:.2e})")
    # Accuracy counts chosen reward > rejected reward strictly: at step 1 the rewards tie at 0 and
    # TRL's are float noise (its policy log-probs vs our stored references, ~1e-7), so only steps
    # with a margin are compared.
    decided = [(t, o) for t, o in zip(logged, ours_steps) if abs(o["rewards/margins"]) > 1e-3]
    check(all(t["rewards/accuracies"] == o["rewards/accuracies"] for t, o in decided) and ours_steps[0]["rewards/accuracies"] == 0,
          f"{name}: rewards/accuracies equal where the margin is not a tie ({len(decided)} steps; ours 0 at the tie, "
          f"TRL {logged[0]['rewards/accuracies']} from noise)")
    theirs, ours, start = (adapter_tensors(os.path.join(trl_out, "adapter")), adapter_tensors(ours_adapter),
                           adapter_tensors(os.path.join(export_dir, "reference_adapter")))
    if set(theirs) != set(ours):
        check(False, f"{name}: adapter tensor names differ: {sorted(set(theirs) ^ set(ours))[:4]}")
    else:
        diff = max((theirs[k] - ours[k]).abs().max().item() for k in ours)
        moved = max((ours[k] - start[k]).abs().max().item() for k in ours)
        check(diff <= 1e-3, f"{name}: adapter after 2 steps TRL vs ours max diff {diff:.2e} (<= 1e-3; the steps moved it by {moved:.2e})")
    return ours_adapter, trl_out


def check_llamafactory(binary, sessions, folder):
    """LLaMA-Factory's documented alpaca preference format (data/README.md, Preference Dataset)."""
    collate(binary, sessions, "export", SESSION, "--format", "llamafactory", "--iteration", "1")
    directory = os.path.join(folder, "exports/llamafactory/iteration-1")
    info = json.load(open(os.path.join(directory, "dataset_info.json")))
    allowed_entry = {"hf_hub_url", "ms_hub_url", "script_url", "file_name", "formatting", "ranking", "subset",
                     "split", "folder", "num_samples", "columns", "tags"}
    allowed_columns = {"prompt", "query", "response", "history", "messages", "system", "tools", "images",
                       "chosen", "rejected", "kto_tag"}
    ok = bool(info)
    for name, entry in info.items():
        ok &= set(entry) <= allowed_entry and entry.get("ranking") is True and entry.get("formatting", "alpaca") == "alpaca"
        ok &= set(entry["columns"]) <= allowed_columns and {"prompt", "chosen", "rejected"} <= set(entry["columns"])
        data = json.load(open(os.path.join(directory, entry["file_name"])))
        ok &= isinstance(data, list) and all(isinstance(row[entry["columns"][c]], str)
                                             for row in data for c in ("prompt", "query", "chosen", "rejected"))
    check(ok, f"LLaMA-Factory files match its documented dataset_info.json / alpaca preference schema ({len(info)} datasets)")


def check_accelerate(path):
    """Parsed by accelerate's own config class (unknown keys are an error there); ZeRO-2 keys as `accelerate config` writes."""
    from accelerate.commands.config.config_args import ClusterConfig
    config = ClusterConfig.from_yaml_file(path)
    deepspeed_keys = {"deepspeed_config_file", "deepspeed_hostfile", "deepspeed_multinode_launcher",
                      "gradient_accumulation_steps", "gradient_clipping", "offload_optimizer_device",
                      "offload_param_device", "offload_optimizer_nvme_path", "offload_param_nvme_path",
                      "zero3_init_flag", "zero3_save_16bit_model", "zero_stage", "mixed_precision"}
    ds = config.deepspeed_config
    check(str(config.distributed_type).endswith("DEEPSPEED") and ds.get("zero_stage") == 2 and set(ds) <= deepspeed_keys
          and config.num_processes >= 1,
          "scale/accelerate_zero2.yaml parses with accelerate's ClusterConfig: DeepSpeed ZeRO stage 2, known keys only")


def check_rank_warning(binary, sessions, model, out):
    """A rank-32 PEFT adapter (made by peft) as provider 2's iteration-2 adapter: export warns on stderr."""
    peft_model = get_peft_model(model, LoraConfig(r=32, lora_alpha=32, target_modules=["q_proj", "v_proj"],
                                                  task_type="CAUSAL_LM"))
    path = os.path.join(out, "rank-32")
    peft_model.save_pretrained(path)
    peft_model.unload()
    collate(binary, sessions, "import-adapter", SESSION, "--provider", "2", "--iteration", "2", path)
    stderr = collate(binary, sessions, "export", SESSION, "--format", "peft", "--iteration", "2").stderr
    check("warning: provider 2: rank 32 is over vLLM's default max LoRA rank of 16: serve with --max-lora-rank 32" in stderr,
          f"export --format peft warns on stderr about rank 32: {stderr.strip()!r}")


def check_vllm(binary, sessions):
    """The serve line against vLLM's documented flags (`vllm serve MODEL --enable-lora --lora-modules name=path ...`)."""
    import argparse
    line = collate(binary, sessions, "serve-command", SESSION).stdout.strip()
    words = shlex.split(line)
    parser = argparse.ArgumentParser(prog="vllm serve", exit_on_error=False)
    parser.add_argument("model")
    parser.add_argument("--enable-lora", action="store_true")
    parser.add_argument("--lora-modules", nargs="+")
    parser.add_argument("--max-lora-rank", type=int, choices=[1, 8, 16, 32, 64, 128, 256, 320, 512])
    parser.add_argument("--max-loras", type=int)
    ok = words[:2] == ["vllm", "serve"]
    try:
        args = parser.parse_args(words[2:])
    except (argparse.ArgumentError, SystemExit):
        check(False, f"serve-command line does not parse as vLLM's flags: {line}")
        return
    modules = dict(m.split("=", 1) for m in args.lora_modules)
    ranks = [json.load(open(os.path.join(p, "adapter_config.json")))["r"] for p in modules.values()]
    ok &= args.enable_lora and os.path.isfile(os.path.join(args.model, "config.json"))
    ok &= set(modules) == {"provider-1", "provider-2"} and args.max_lora_rank >= max(ranks) and args.max_loras == 2
    check(ok, f"serve-command matches vLLM's documented serve flags: {line[:80]}...")


if __name__ == "__main__":
    main()
