// gather.wgsl: one minibatch from a GPU-resident split of 8-bit images, converted to f32 by table.
//   gather_u8: out[r * width + p] = table[tableStride * p + byte(order[first + r] * width + p)]
// The split's pixels are packed four to a u32, little-endian (byte k of the split is bits 8·(k % 4)
// of word k / 4). `table` holds the preprocessing's value for each byte: 256 entries for one
// transform of every position (tableStride 0), or 256 per position (tableStride 256). `order` is the
// epoch's shuffled sample indices; this batch is order[first .. first + rows).
// Bindings (src/ops/gather.ts): params; pixels, table, order (read); out (read_write).
// Dispatch: ceil(rows · width / WG) workgroups on x, wrapping onto y beyond 65535 (index = y*65535*WG + x).
struct Params { n: u32, width: u32, first: u32, tableStride: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> pixels: array<u32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;

@compute @workgroup_size(WG)
fn gather_u8(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * 65535u * WG + gid.x;
  if (i >= params.n) { return; }
  let r = i / params.width;
  let p = i - r * params.width;
  let k = order[params.first + r] * params.width + p;
  let byte = (pixels[k >> 2u] >> (8u * (k & 3u))) & 255u;
  out[i] = table[params.tableStride * p + byte];
}
