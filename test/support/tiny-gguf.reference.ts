/**
 * An independent float64 forward pass of the tiny llama model (plain JS, same maths as llama.cpp's `llama`
 * architecture: RMSNorm, rotary embeddings in "normal" mode (adjacent pairs), grouped-query causal attention,
 * SwiGLU feed-forward). Used to check the embedded backend's teacher-forced log-probs.
 */
import { tinyLlamaWeights, type TinyGgufOptions } from './tiny-gguf';

/** log p(tokens[i+1] | tokens[0..i]) for i = from-1 … tokens.length-2, i.e. the log-probs of tokens[from…]. */
export function referenceLogprobs(options: TinyGgufOptions, tokens: number[], from: number): number[] {
  const { shape, weights } = tinyLlamaWeights(options);
  const d = shape.embedding;
  const headDim = d / shape.heads;
  const kvWidth = headDim * shape.kvHeads;
  const w = (name: string) => weights.get(name)!;
  // y = W x with W stored as [out][in] (ggml ne = [in, out]).
  const matVec = (m: Float32Array, x: Float64Array, out: number): Float64Array => {
    const inDim = x.length;
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = 0;
      for (let i = 0; i < inDim; i++) s += m[o * inDim + i] * x[i];
      y[o] = s;
    }
    return y;
  };
  const rmsNorm = (x: Float64Array, g: Float32Array): Float64Array => {
    let ss = 0;
    for (const v of x) ss += v * v;
    const inv = 1 / Math.sqrt(ss / x.length + shape.rmsEpsilon);
    return x.map((v, i) => v * inv * g[i]);
  };
  const rope = (v: Float64Array, heads: number, pos: number) => {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < headDim; i += 2) {
        const theta = pos * Math.pow(shape.ropeBase, -i / headDim);
        const c = Math.cos(theta);
        const s = Math.sin(theta);
        const a = v[h * headDim + i];
        const b = v[h * headDim + i + 1];
        v[h * headDim + i] = a * c - b * s;
        v[h * headDim + i + 1] = a * s + b * c;
      }
    }
  };

  const keys: Float64Array[][] = Array.from({ length: shape.layers }, () => []);
  const values: Float64Array[][] = Array.from({ length: shape.layers }, () => []);
  const out: number[] = [];
  const embedding = w('token_embd.weight');
  for (let pos = 0; pos < tokens.length - 1; pos++) {
    let x = Float64Array.from(embedding.subarray(tokens[pos] * d, (tokens[pos] + 1) * d));
    for (let layer = 0; layer < shape.layers; layer++) {
      const p = `blk.${layer}.`;
      const h = rmsNorm(x, w(p + 'attn_norm.weight'));
      const q = matVec(w(p + 'attn_q.weight'), h, d);
      const k = matVec(w(p + 'attn_k.weight'), h, kvWidth);
      const v = matVec(w(p + 'attn_v.weight'), h, kvWidth);
      rope(q, shape.heads, pos);
      rope(k, shape.kvHeads, pos);
      keys[layer].push(k);
      values[layer].push(v);
      const attended = new Float64Array(d);
      for (let head = 0; head < shape.heads; head++) {
        const kvHead = Math.floor(head / (shape.heads / shape.kvHeads));
        const scores = keys[layer].map((key) => {
          let s = 0;
          for (let i = 0; i < headDim; i++) s += q[head * headDim + i] * key[kvHead * headDim + i];
          return s / Math.sqrt(headDim);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((a, b) => a + b, 0);
        for (let t = 0; t < e.length; t++) {
          for (let i = 0; i < headDim; i++)
            attended[head * headDim + i] += (e[t] / z) * values[layer][t][kvHead * headDim + i];
        }
      }
      const attnOut = matVec(w(p + 'attn_output.weight'), attended, d);
      x = x.map((val, i) => val + attnOut[i]);
      const h2 = rmsNorm(x, w(p + 'ffn_norm.weight'));
      const gate = matVec(w(p + 'ffn_gate.weight'), h2, shape.feedForward);
      const up = matVec(w(p + 'ffn_up.weight'), h2, shape.feedForward);
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]);
      const down = matVec(w(p + 'ffn_down.weight'), act, d);
      x = x.map((val, i) => val + down[i]);
    }
    if (pos + 1 < from) continue;
    const logits = matVec(w('output.weight'), rmsNorm(x, w('output_norm.weight')), shape.vocabSize);
    let max = -Infinity;
    for (const l of logits) max = Math.max(max, l);
    let z = 0;
    for (const l of logits) z += Math.exp(l - max);
    out.push(logits[tokens[pos + 1]] - max - Math.log(z));
  }
  return out;
}
