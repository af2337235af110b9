// Tokenizes texts with Hugging Face's own `tokenizers` (the Rust library through its Node binding,
// installed by tools/tokenizer_reference) and prints ids and code point offsets as JSON, so that
// train_builtin_model.py --check-tokenizer can compare them with its Python tokenization.
//   node check_tokenizer.mjs tokenizer.json texts.json
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../tokenizer_reference/package.json"));
const { Tokenizer } = require("tokenizers");

const [tokenizerPath, textsPath] = process.argv.slice(2);
const tokenizer = Tokenizer.fromFile(tokenizerPath);
const texts = JSON.parse(fs.readFileSync(textsPath, "utf8"));
const out = [];
for (const text of texts) {
  const enc = await tokenizer.encode(text);
  out.push({ ids: Array.from(enc.getIds()), offsets: enc.getOffsets().map(([a, b]) => [a, b]) });
}
process.stdout.write(JSON.stringify(out));
