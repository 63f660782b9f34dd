/**
 * Writes a tiny random-weight `llama` GGUF (v3, all F32) at test time, so the embedded backend is tested on a real
 * model file without committing or downloading weights. Deterministic: the same options give the same bytes.
 *
 * Variants: plain (300-token SentencePiece-style vocabulary with byte fallback), `chatTemplate` (adds ChatML control
 * tokens and `tokenizer.chat_template`), `padVocabTo` (pads the vocabulary, e.g. to 32 000, for scoring-cost probes).
 * `tinyLlamaWeights` regenerates the same weights for the float64 reference forward pass.
 */
import { writeFileSync } from 'node:fs';
import { createRng } from '../../src/core/random';

export interface TinyGgufOptions {
  embedding?: number;
  layers?: number;
  heads?: number;
  kvHeads?: number;
  feedForward?: number;
  contextLength?: number;
  seed?: number;
  /** Adds `<|im_start|>`/`<|im_end|>` control tokens and a ChatML `tokenizer.chat_template`. */
  chatTemplate?: boolean;
  /** Pads the vocabulary with unused tokens up to this size (cost of full-vocabulary operations). */
  padVocabTo?: number;
  /** Metadata keys to leave out (to produce files llama.cpp rejects). */
  omitKeys?: string[];
}

export interface TinyLlamaShape {
  embedding: number;
  layers: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  contextLength: number;
  vocabSize: number;
  ropeBase: number;
  rmsEpsilon: number;
}

const DEFAULTS = { embedding: 64, layers: 2, heads: 4, kvHeads: 2, feedForward: 128, contextLength: 256, seed: 1234 };
const ROPE_BASE = 10000;
const RMS_EPSILON = 1e-5;
/** GGUF_DEFAULT_ALIGNMENT: tensor data offsets are multiples of this. */
const ALIGNMENT = 32;

const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, byte: 6 } as const;
const VALUE_TYPE = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;

interface Vocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
}

function buildVocabulary(chatTemplate: boolean, padTo: number): Vocabulary {
  const vocab: Vocabulary = { tokens: [], scores: [], types: [] };
  const add = (token: string, score: number, type: number) => {
    vocab.tokens.push(token);
    vocab.scores.push(score);
    vocab.types.push(type);
  };
  add('<unk>', 0, TOKEN_TYPE.unknown);
  add('<s>', 0, TOKEN_TYPE.control);
  add('</s>', 0, TOKEN_TYPE.control);
  for (let byte = 0; byte < 256; byte++)
    add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, 0, TOKEN_TYPE.byte);
  // "▁" is SentencePiece's space; multi-character pieces get higher scores so the tokenizer merges them first.
  const pieces = [
    '\u2581',
    ...'abcdefghijklmnopqrstuvwxyz',
    '\u2581t',
    'th',
    'he',
    '\u2581the',
    'in',
    'er',
    'an',
    '\u2581a',
    'on',
    're',
    '\u2581s',
    'at',
    'en',
    'is',
  ];
  pieces.forEach((piece, i) => add(piece, -(i + 1) + (piece.length > 1 ? 100 : 0), TOKEN_TYPE.normal));
  if (chatTemplate) {
    add('<|im_start|>', 0, TOKEN_TYPE.control);
    add('<|im_end|>', 0, TOKEN_TYPE.control);
  }
  for (let i = vocab.tokens.length; i < padTo; i++) add(`<pad_${i}>`, -1000, TOKEN_TYPE.userDefined);
  return vocab;
}

const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function shapeOf(options: TinyGgufOptions): TinyLlamaShape {
  const o = { ...DEFAULTS, ...options };
  const vocabSize = buildVocabulary(Boolean(o.chatTemplate), o.padVocabTo ?? 0).tokens.length;
  return {
    embedding: o.embedding,
    layers: o.layers,
    heads: o.heads,
    kvHeads: o.kvHeads,
    feedForward: o.feedForward,
    contextLength: o.contextLength,
    vocabSize,
    ropeBase: ROPE_BASE,
    rmsEpsilon: RMS_EPSILON,
  };
}

/** Tensor names and ggml shapes (ne[0] = input dimension, the fastest-varying one). */
function tensorLayout(shape: TinyLlamaShape): Array<{ name: string; dims: number[]; ones?: boolean }> {
  const headDim = shape.embedding / shape.heads;
  const kvWidth = headDim * shape.kvHeads;
  const tensors: Array<{ name: string; dims: number[]; ones?: boolean }> = [
    { name: 'token_embd.weight', dims: [shape.embedding, shape.vocabSize] },
    { name: 'output_norm.weight', dims: [shape.embedding], ones: true },
    { name: 'output.weight', dims: [shape.embedding, shape.vocabSize] },
  ];
  for (let layer = 0; layer < shape.layers; layer++) {
    const p = `blk.${layer}.`;
    tensors.push(
      { name: p + 'attn_norm.weight', dims: [shape.embedding], ones: true },
      { name: p + 'attn_q.weight', dims: [shape.embedding, shape.embedding] },
      { name: p + 'attn_k.weight', dims: [shape.embedding, kvWidth] },
      { name: p + 'attn_v.weight', dims: [shape.embedding, kvWidth] },
      { name: p + 'attn_output.weight', dims: [shape.embedding, shape.embedding] },
      { name: p + 'ffn_norm.weight', dims: [shape.embedding], ones: true },
      { name: p + 'ffn_gate.weight', dims: [shape.embedding, shape.feedForward] },
      { name: p + 'ffn_up.weight', dims: [shape.embedding, shape.feedForward] },
      { name: p + 'ffn_down.weight', dims: [shape.feedForward, shape.embedding] },
    );
  }
  return tensors;
}

/** The model's weights by tensor name, as float32 (what the file holds). Seeded Gaussian, scaled by fan-in. */
export function tinyLlamaWeights(options: TinyGgufOptions = {}): {
  shape: TinyLlamaShape;
  weights: Map<string, Float32Array>;
} {
  const shape = shapeOf(options);
  const rng = createRng(options.seed ?? DEFAULTS.seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(rng.next() + 1e-12)) * Math.cos(2 * Math.PI * rng.next());
  const weights = new Map<string, Float32Array>();
  for (const tensor of tensorLayout(shape)) {
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    // Embeddings get std 0.5; matrices 1/sqrt(fan-in) keeps activations O(1) so the logits are not degenerate.
    const scale = tensor.name === 'token_embd.weight' ? 0.5 : 1 / Math.sqrt(tensor.dims[0]);
    for (let i = 0; i < count; i++) values[i] = tensor.ones ? 1 : gaussian() * scale;
    weights.set(tensor.name, values);
  }
  return { shape, weights };
}

class ByteWriter {
  private readonly parts: Buffer[] = [];
  length = 0;
  bytes(b: Buffer) {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.bytes(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.bytes(b);
  }
  u64(v: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.bytes(b);
  }
  f32(v: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.bytes(b);
  }
  str(s: string) {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.bytes(b);
  }
  align() {
    const r = this.length % ALIGNMENT;
    if (r) this.bytes(Buffer.alloc(ALIGNMENT - r));
  }
  concat() {
    return Buffer.concat(this.parts);
  }
}

type Scalar = { type: 'uint32' | 'int32' | 'float32' | 'bool' | 'string'; value: number | boolean | string };
type MetadataValue = Scalar | { type: 'array'; of: Scalar['type']; values: Array<number | string> };

function writeScalar(w: ByteWriter, type: Scalar['type'], value: number | boolean | string) {
  if (type === 'uint32') w.u32(value as number);
  else if (type === 'int32') w.i32(value as number);
  else if (type === 'float32') w.f32(value as number);
  else if (type === 'bool') w.bytes(Buffer.from([value ? 1 : 0]));
  else w.str(value as string);
}

/** The GGUF file bytes. */
export function buildTinyGguf(options: TinyGgufOptions = {}): Buffer {
  const { shape, weights } = tinyLlamaWeights(options);
  const vocab = buildVocabulary(Boolean(options.chatTemplate), options.padVocabTo ?? 0);
  const a = 'llama';
  const metadata: Array<[string, MetadataValue]> = [
    ['general.architecture', { type: 'string', value: a }],
    ['general.name', { type: 'string', value: 'whetstone-tiny-llama' }],
    ['general.file_type', { type: 'uint32', value: 0 }],
    [`${a}.vocab_size`, { type: 'uint32', value: shape.vocabSize }],
    [`${a}.context_length`, { type: 'uint32', value: shape.contextLength }],
    [`${a}.embedding_length`, { type: 'uint32', value: shape.embedding }],
    [`${a}.block_count`, { type: 'uint32', value: shape.layers }],
    [`${a}.feed_forward_length`, { type: 'uint32', value: shape.feedForward }],
    [`${a}.attention.head_count`, { type: 'uint32', value: shape.heads }],
    [`${a}.attention.head_count_kv`, { type: 'uint32', value: shape.kvHeads }],
    [`${a}.rope.dimension_count`, { type: 'uint32', value: shape.embedding / shape.heads }],
    [`${a}.rope.freq_base`, { type: 'float32', value: shape.ropeBase }],
    [`${a}.attention.layer_norm_rms_epsilon`, { type: 'float32', value: shape.rmsEpsilon }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', of: 'string', values: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'array', of: 'float32', values: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'array', of: 'int32', values: vocab.types }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: 2 }],
    ['tokenizer.ggml.unknown_token_id', { type: 'uint32', value: 0 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
  if (options.chatTemplate) metadata.push(['tokenizer.chat_template', { type: 'string', value: CHATML_TEMPLATE }]);
  const omitted = new Set(options.omitKeys ?? []);
  const kept = metadata.filter(([key]) => !omitted.has(key));
  const tensors = tensorLayout(shape);

  const w = new ByteWriter();
  w.bytes(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kept.length);
  for (const [key, entry] of kept) {
    w.str(key);
    w.u32(VALUE_TYPE[entry.type]);
    if (entry.type === 'array') {
      w.u32(VALUE_TYPE[entry.of]);
      w.u64(entry.values.length);
      for (const v of entry.values) writeScalar(w, entry.of, v);
    } else {
      writeScalar(w, entry.type, entry.value);
    }
  }
  let offset = 0;
  for (const tensor of tensors) {
    w.str(tensor.name);
    w.u32(tensor.dims.length);
    for (const d of tensor.dims) w.u64(d);
    w.u32(0); // GGML_TYPE_F32
    w.u64(offset);
    offset += Math.ceil((weights.get(tensor.name)!.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  w.align();
  for (const tensor of tensors) {
    const data = weights.get(tensor.name)!;
    w.bytes(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    w.align();
  }
  return w.concat();
}

/** Writes the model file and returns its path. */
export function writeTinyGguf(file: string, options: TinyGgufOptions = {}): string {
  writeFileSync(file, buildTinyGguf(options));
  return file;
}
