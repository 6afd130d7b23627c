"""HF tokenizers side of `collate-bench tokenizer`: loads the tokenizer.json our BPETrainer
wrote (argv[1]) and a text file of documents separated by NUL bytes (argv[2]); each request
`encode` encodes every document once, one after another on one thread (`Tokenizer.encode`,
no batch parallelism, as ours), and prints the wall seconds. `count` prints the total number
of ids (a check that both sides tokenized the same text the same way).
"""
import json
import os
import sys
import time

os.environ["TOKENIZERS_PARALLELISM"] = "false"
import tokenizers  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

tokenizer = Tokenizer.from_file(sys.argv[1])
with open(sys.argv[2], "rb") as handle:
    documents = handle.read().decode("utf-8").split("\0")

print(json.dumps({"tokenizers": tokenizers.__version__, "documents": len(documents)}), flush=True)
for line in sys.stdin:
    request = line.strip()
    if request == "count":
        print(sum(len(tokenizer.encode(d, add_special_tokens=False).ids) for d in documents), flush=True)
        continue
    start = time.perf_counter()
    for document in documents:
        tokenizer.encode(document, add_special_tokens=False)
    print(time.perf_counter() - start, flush=True)
