#!/usr/bin/env python3
"""DPO with TRL on a `collate export --format trl` directory, the way `collate train` trains.

    accelerate launch --config_file scale/accelerate_zero2.yaml scale/train_dpo.py \
        SESSION/exports/trl/iteration-1/provider-1 --output-dir runs/provider-1

What it takes from the export (collate_export.json, written from the session manifest):
  - the data: train.jsonl (prompt/chosen/rejected + extra columns), loaded through the
    directory's dataset card;
  - the policy: the HF base (`base_model`) with the provider's start adapter
    (`reference_adapter/`, PEFT), trainable;
  - the reference: the precomputed `ref_chosen_logps` / `ref_rejected_logps` columns, used as
    they are (TRL 1.16 recomputes them when `precompute_ref_log_probs` is on, so
    `PrecomputedReferenceDPOTrainer` keeps the exported ones);
  - beta, loss type, learning rate, scheduler, warm-up, clipping, weight decay, AdamW betas/eps,
    pairs per step (split over the processes), epochs / max_steps, seed.
It writes OUTPUT_DIR/trainer_state.json (`collate import-metrics SESSION FILE` charts it) and
OUTPUT_DIR/adapter/ (`collate import-adapter SESSION --provider P --iteration I DIR`).
"""
import argparse
import json
import os
import sys

import torch
from datasets import load_dataset
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import DPOConfig, DPOTrainer

EXPORT_FORMAT = "collate-dpo-export/1"


class PrecomputedReferenceDPOTrainer(DPOTrainer):
    """DPOTrainer that keeps reference log-probs already in the dataset instead of recomputing them."""

    def _precompute_ref_logps(self, dataset, name, batch_size):
        columns = set(dataset.column_names)
        if {"ref_chosen_logps", "ref_rejected_logps"} <= columns:
            values = list(dataset["ref_chosen_logps"]) + list(dataset["ref_rejected_logps"])
            if all(value is not None for value in values):
                return dataset
        return super()._precompute_ref_logps(dataset, name, batch_size)


def read_metadata(export_dir):
    path = os.path.join(export_dir, "collate_export.json")
    with open(path, encoding="utf-8") as f:
        metadata = json.load(f)
    if metadata.get("format") != EXPORT_FORMAT:
        raise SystemExit(f"{path}: format {metadata.get('format')!r} is not {EXPORT_FORMAT!r}")
    return metadata


def scheduler_name(optimisation):
    """HF's lr_scheduler_type for collate's scheduler (constant with a warm-up has its own name)."""
    if optimisation["lr_scheduler_type"] == "constant" and optimisation["warmup_ratio"] > 0:
        return "constant_with_warmup"
    return optimisation["lr_scheduler_type"]


def dpo_config(metadata, output_dir, world_size=1, max_steps=None, bf16=False, gradient_checkpointing=False):
    o = metadata["optimisation"]
    total = o["total_batch_size"]
    if total % world_size != 0:
        print(f"warning: {total} pairs per step do not split over {world_size} processes; "
              f"using {max(1, total // world_size)} per process", file=sys.stderr)
    steps = max_steps if max_steps is not None else o.get("max_steps")
    # [dpo] sft_weight: TRL's "sft" loss (NLL of the chosen completions) beside the DPO loss.
    losses, weights = [o["loss_type"]], None
    if o.get("sft_weight", 0) > 0:
        losses, weights = losses + ["sft"], [1.0, o["sft_weight"]]
    return DPOConfig(
        output_dir=output_dir,
        beta=o["beta"],
        loss_type=losses,
        loss_weights=weights,
        learning_rate=o["learning_rate"],
        lr_scheduler_type=scheduler_name(o),
        warmup_steps=o["warmup_ratio"],          # below 1: a ratio of the steps, rounded up (as collate)
        max_grad_norm=o["max_grad_norm"],        # 0: no clipping (as collate)
        weight_decay=o["weight_decay"],
        adam_beta1=o["adam_beta1"],
        adam_beta2=o["adam_beta2"],
        adam_epsilon=o["adam_epsilon"],
        optim="adamw_torch",
        per_device_train_batch_size=max(1, total // world_size),
        gradient_accumulation_steps=1,
        num_train_epochs=o["num_train_epochs"],
        max_steps=steps if steps is not None else -1,
        seed=int(o["seed"]) % (2**32),
        precompute_ref_log_probs=True,
        max_length=None,                         # collate never truncates (it refuses over-long pairs)
        disable_dropout=True,
        bf16=bf16,
        gradient_checkpointing=gradient_checkpointing,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
    )


def build_trainer(export_dir, output_dir, base=None, max_steps=None, bf16=False, gradient_checkpointing=False):
    metadata = read_metadata(export_dir)
    base = base or metadata["base_model"]
    tokenizer = AutoTokenizer.from_pretrained(base)
    dtype = torch.bfloat16 if bf16 else torch.float32
    model = AutoModelForCausalLM.from_pretrained(base, dtype=dtype)
    model = PeftModel.from_pretrained(model, os.path.join(export_dir, metadata["reference_adapter"]), is_trainable=True)
    dataset = load_dataset(export_dir, split="train")
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    config = dpo_config(metadata, output_dir, world_size, max_steps, bf16, gradient_checkpointing)
    trainer = PrecomputedReferenceDPOTrainer(model=model, args=config, train_dataset=dataset, processing_class=tokenizer)
    return trainer, metadata


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export_dir", help="exports/trl/iteration-<I>/provider-<P> of a session")
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--base", help="the HF base model (default: base_model of collate_export.json)")
    parser.add_argument("--max-steps", type=int, help="override the export's max_steps")
    parser.add_argument("--bf16", action="store_true", help="train in bfloat16 (GPUs); default float32 as collate")
    parser.add_argument("--gradient-checkpointing", action="store_true")
    args = parser.parse_args(argv)
    trainer, metadata = build_trainer(args.export_dir, args.output_dir, args.base, args.max_steps, args.bf16,
                                      args.gradient_checkpointing)
    trainer.train()
    trainer.save_state()                                   # OUTPUT_DIR/trainer_state.json
    adapter_dir = os.path.join(args.output_dir, "adapter")
    trainer.save_model(adapter_dir)
    if trainer.accelerator.is_main_process:
        print(f"collate import-metrics {metadata['session']} {os.path.join(args.output_dir, 'trainer_state.json')}")
        print(f"collate import-adapter {metadata['session']} --provider {metadata['provider']} "
              f"--iteration {metadata['iteration']} {adapter_dir}")


if __name__ == "__main__":
    main()
