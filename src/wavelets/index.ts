/**
 * Wavelets: named families, filter banks, boundary modes and PyWavelets-compatible transforms.
 * @module
 */
export { MODES, parseMode, dwtCoeffLen, dwtMaxLevel, idwtOutputLen } from './modes.ts';
export type { Mode } from './modes.ts';
export { WAVELET_NAMES, BIORTHOGONAL_NAMES, wavelist, familyLowpass, familyFilterBank, filterBankFromLowpass } from './families.ts';
export type { FilterBank } from './families.ts';
export { Wavelet, wavelet, resolveWavelet } from './wavelet.ts';
export { dwt, idwt, wavedec, waverec, wavedecBatch, waverecBatch } from './transform1d.ts';
export { dwt2, idwt2, wavedec2, waverec2, wavedec2Batch, waverec2Batch } from './transform2d.ts';
export type { Coeffs2, Image, Wavedec2Result, Wavedec2Batch } from './transform2d.ts';
export { wavefun } from './wavefun.ts';
export { waveletDistance, waveletDistanceToNamed, DISTANCE_LEVEL } from './distance.ts';
export { setWasmKernels, wasmKernelsAvailable } from './simdKernels.ts';
export type { WasmKernelSetting } from './simdKernels.ts';
export { swt, iswt, swt2, iswt2, swtBatch, iswtBatch, swt2Batch, iswt2Batch, swtMaxLevel } from './swt.ts';
export type { SwtOptions, SwtLevel, Swt2Level, Swt2Trimmed, SwtBatchLevel, Swt2BatchLevel } from './swt.ts';
export { GATHER_MODES } from './modes.ts';
export { WaveletPacket, WaveletPacket2D, waveletPacketBatch, waveletPacket2DBatch, graycodeOrder } from './packets.ts';
export type { PacketNode, PacketImage, PacketOrder, PacketLevelBatch } from './packets.ts';
export { dwtn, idwtn, wavedecn, waverecn } from './nd.ts';
export type { SubbandsN, WavedecN } from './nd.ts';
