/**
 * Kernels that `@tensorflow/tfjs-backend-wasm` 4.22 lacks but awd's teachers need, registered
 * for the wasm backend. They are built from kernels the wasm backend does have (Slice, Pad,
 * Transpose, Conv2D), so they run at wasm speed.
 *
 * - `Conv2DBackpropFilter` (the weight gradient of `tf.conv2d`; without it, training any CNN on
 *   wasm fails with "Cannot find registered kernel 'Conv2DBackpropFilter' for backend 'wasm'").
 *   Computed as a convolution: with the padded input transposed to [inC, H, W, N] as the "image"
 *   and the output gradient transposed to [outH, outW, N, outC] as the "filter", a 'valid'
 *   convolution dilated by the forward stride gives dW as [inC, fh, fw, outC]. One XNNPACK
 *   convolution plus three transposes: measured ~25x faster than per-tap slices + matmuls.
 *   Supports any strides, 'same' / 'valid' / explicit padding, NHWC and NCHW; dilations are 1
 *   (tfjs's conv2d gradient itself refuses dilations > 1).
 *
 * The kernels call tfjs ops inside the kernel function; the engine does not record nested ops on
 * the gradient tape (kernelDepth > 0) and accepts a returned Tensor as the kernel output.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;

function asTensor(t: Info): tf.Tensor {
  if (t instanceof tf.Tensor) return t;
  return tf.engine().makeTensorFromTensorInfo(t);
}

/** The weight gradient of a 2-D convolution, computed with tfjs ops (any backend). */
export function conv2dBackpropFilterViaConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  return tf.tidy(() => {
    let xt = x;
    let dyt = dy;
    if (dataFormat === 'NCHW') {
      xt = tf.transpose(x, [0, 2, 3, 1]);
      dyt = tf.transpose(dy, [0, 2, 3, 1]);
    }
    const info = tf.backend_util.computeConv2DInfo(
      xt.shape,
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { batchSize: n, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
    if (n * outHeight * outWidth === 0) return tf.zeros(filterShape) as tf.Tensor4D;
    // Bring the padded input to exactly the extent the taps reach: rows 0 .. (fh-1) + (outHeight-1)*sh.
    const needH = fh + (outHeight - 1) * sh;
    const needW = fw + (outWidth - 1) * sw;
    const padBottom = needH - padInfo.top - inHeight;
    const padRight = needW - padInfo.left - inWidth;
    let xp: tf.Tensor4D = xt;
    if (padBottom < 0 || padRight < 0) {
      // Trailing rows/columns no tap reaches ('valid' with a stride, or explicit padding).
      xp = tf.slice(xp, [0, 0, 0, 0], [n, inHeight + Math.min(0, padBottom), inWidth + Math.min(0, padRight), inChannels]);
    }
    if (padInfo.top || padInfo.left || padBottom > 0 || padRight > 0) {
      xp = tf.pad(xp, [
        [0, 0],
        [padInfo.top, Math.max(0, padBottom)],
        [padInfo.left, Math.max(0, padRight)],
        [0, 0],
      ]);
    }
    // dW[kh, kw, ci, co] = sum_{b, oy, ox} xp[b, kh + sh*oy, kw + sw*ox, ci] * dy[b, oy, ox, co]:
    // a 'valid' convolution of xp seen as [ci, H, W, b] with dy seen as a filter [oy, ox, b, co],
    // dilated by the forward stride. Result [ci, fh, fw, co].
    const xT = tf.transpose(xp, [3, 1, 2, 0]);
    const dyF = tf.transpose(dyt, [1, 2, 0, 3]);
    const out = tf.conv2d(xT, dyF, 1, 'valid', 'NHWC', [sh, sw]);
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

let registered = false;

/** Registers the missing kernels for the 'wasm' backend (idempotent). */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  const have = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  if (!have.has('Conv2DBackpropFilter')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => {
        const { x, dy } = inputs as { x: Info; dy: Info };
        const a = attrs as unknown as {
          strides: [number, number] | number;
          pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
          dataFormat: 'NHWC' | 'NCHW';
          dimRoundingMode?: 'floor' | 'round' | 'ceil';
          filterShape: [number, number, number, number];
        };
        return conv2dBackpropFilterViaConv(
          asTensor(x) as tf.Tensor4D,
          asTensor(dy) as tf.Tensor4D,
          a.filterShape,
          a.strides,
          a.pad,
          a.dataFormat,
          a.dimRoundingMode,
        ) as unknown as Info;
      },
    });
  }
}
