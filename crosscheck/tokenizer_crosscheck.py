#!/usr/bin/env python3
"""Reference token ids from Hugging Face `tokenizers` for the Swift tokenizer to match.

For each pre-tokenizer form real checkpoints use (GPT-2 ByteLevel, Llama 3 and Qwen2 Split
patterns, SmolLM2 Digits + ByteLevel) this trains a tiny byte-level BPE on a mixed corpus,
saves its tokenizer.json, and records HF's ids for a set of texts; a sixth form is the
tokenizer.json our own Swift BPETrainer wrote (Tests/LLMTests/Fixtures/trained-tokenizer.json),
read by HF as it is (Japanese, emoji, digit
runs, contractions, whitespace, special tokens in the middle). The Swift test
`TokenizerCrosscheckTests` loads the same files and compares ids exactly.

Usage (in a venv with tokenizers==0.23.3):
    python crosscheck/tokenizer_crosscheck.py [OUT_DIR]
OUT_DIR defaults to .build/crosscheck-tokenizers (what the Swift test looks for; the
environment variable COLLATE_TOKENIZER_CROSSCHECK_DIR points the test elsewhere).
"""
import json
import os
import shutil
import sys

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
LLAMA3_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
QWEN2_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""

CORPUS = [
    "The quick brown fox jumps over the lazy dog. It's 12:45 and we're late!",
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.",
    "How many clips did Natalia sell altogether in April and May? 48 + 24 = 72 clips.",
    "日本語のテキストです。東京は2024年に大きな都市でした。",
    "Русский текст и немного цифр: 1234567890.",
    "Emoji: 😀👍🏽 👨‍👩‍👧‍👦 🇯🇵 and more text that repeats the the the.",
    "def f(x):\n    return x * 2  # comment\n\n\nprint(f(21))\n",
    "I'm, you're, they'll, she'd, we've, it's; DON'T SHOUT, I'M FINE.",
    "Tabs\tand  double  spaces   and trailing   ",
] * 20

TEXTS = [
    "Hello, world! It's a test.",
    "I'm 12345 years old, THEY'LL say; we'Re fine.",
    "spaces   between\t\ttabs  and trailing   ",
    "   leading spaces and a\u00a0non-breaking one",
    "line one\nline two\r\n\n\nthree\n",
    "日本語のテキストです。東京は2024年に",
    "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 flag 🇯🇵 coder 👩‍💻",
    "Mixed: English, 日本語, русский, عربى, ελληνικά, हिन्दी",
    "digits 1 12 123 1234 12345 3.14159 1,000,000 ٣٤٥ ²",
    "def f(x):\n    return x * 2\n\n",
    "special<|endoftext|>in the middle<|endoftext|><|endoftext|>end",
    "e\u0301 composed? caf\u00e9 vs cafe\u0301",
    "",
    " ",
    "\n\n\n",
    "a \t\n b  \n  c\r\n\r\nd\u2028e",
    "'S'T'RE 'll 'ſ x'Ve",
    "Ⅻ ǅungla ʰa e\u0301\u0301 \u200d\u200d",
]

# Random strings over a pool of characters chosen for their classes (letters of each kind,
# numbers of each kind, whitespace of each kind, marks, joiners, emoji, apostrophes), so the
# hand-written splitters meet the cases nobody thought to write down.
POOL = list("abcXYZ019 '\t\n\r.,!?-_(") + [
    "\u00e9", "\u017f", "\u65e5", "\u672c", "\U0001F600", "\u200d", "\u0301", "\u00a0", "\u2028",
    "\u0663", "\u00b2", "\u216b", "\u01c5", "\u02b0", "\u3000", "\u0085", "<|endoftext|>", "  ", "\r\n",
]


def random_texts(count, seed=1234):
    import random
    generator = random.Random(seed)
    return ["".join(generator.choice(POOL) for _ in range(generator.randint(0, 30))) for _ in range(count)]


TEXTS += random_texts(300)
# The demo task's text: digits one per token under the trained tokenizer's pre-tokenizer.
TEXTS += [
    "Q: Tom has 3 apples and buys 12 more. How many apples does he have?\nR:\n",
    "Tom has 3 + 12 = 15 apples.\nHe gives away 15 / 5 = 3 apples.\n#### 3",
    "Ana spends 4 * 27 = 108 dollars.<|endoftext|>Q: 999 - 1 = 998?\nA:\n998<|endoftext|>",
]
# Long pieces (past the Swift side's scan limit, merged through its heap).
TEXTS += ["1234567890" * 30, " " * 150 + "x", "the" * 80, "日本" * 60, "\n" * 100 + "end", "😀" * 40]


def byte_level_bpe(pre_tokenizer, *, normalizer=None, ignore_merges=False, specials=("<|endoftext|>",)):
    tokenizer = Tokenizer(models.BPE(ignore_merges=ignore_merges))
    if normalizer is not None:
        tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizer
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=700, special_tokens=list(specials), initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False)
    tokenizer.train_from_iterator(CORPUS, trainer)
    return tokenizer


# A tokenizer trained by our own BPETrainer (Swift), committed as a test fixture: HF must
# read our file and give the ids our loader gives. Copied as it is, never re-saved by HF.
TRAINED_FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "LLMTests", "Fixtures",
                               "trained-tokenizer.json")


def forms():
    yield "gpt2", byte_level_bpe(pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)), "strings"
    yield "gpt2_prefix_space", byte_level_bpe(pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True)), "pairs"
    llama3 = byte_level_bpe(
        pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]),
        ignore_merges=True, specials=("<|endoftext|>", "<|begin_of_text|>"))
    bos = llama3.token_to_id("<|begin_of_text|>")
    llama3.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|begin_of_text|> $A", special_tokens=[("<|begin_of_text|>", bos)]),
    ])
    yield "llama3", llama3, "pairs"
    qwen2 = byte_level_bpe(
        pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]),
        normalizer=normalizers.NFC())
    qwen2.post_processor = processors.ByteLevel(trim_offsets=False)
    yield "qwen2", qwen2, "pairs"
    yield "smollm2", byte_level_bpe(pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])), "strings"
    yield "collate_trained", Tokenizer.from_file(TRAINED_FIXTURE), "ours"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(".build", "crosscheck-tokenizers")
    os.makedirs(out, exist_ok=True)
    for name, tokenizer, merge_spelling in forms():
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "tokenizer.json")
        if merge_spelling == "ours":
            shutil.copyfile(TRAINED_FIXTURE, path)
        else:
            tokenizer.save(path)
        if merge_spelling == "strings":
            # The older "a b" spelling, as pre-0.20 files have it; HF must still read it the same.
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            data["model"]["merges"] = [" ".join(pair) for pair in data["model"]["merges"]]
            with open(path, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)
            tokenizer = Tokenizer.from_file(path)
        cases = []
        for text in TEXTS:
            ids = tokenizer.encode(text, add_special_tokens=False).ids
            cases.append({
                "text": text,
                "ids": ids,
                "ids_with_special_tokens": tokenizer.encode(text, add_special_tokens=True).ids,
                "decoded": tokenizer.decode(ids, skip_special_tokens=False),
            })
        with open(os.path.join(folder, "cases.json"), "w", encoding="utf-8") as f:
            json.dump({"form": name, "tokenizers_version": __import__("tokenizers").__version__, "cases": cases},
                      f, ensure_ascii=False, indent=1)
        merges = len(json.load(open(path, encoding="utf-8"))["model"]["merges"])
        print(f"{name}: {merges} merges, {len(cases)} texts -> {folder}")


if __name__ == "__main__":
    main()
