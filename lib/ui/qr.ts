/**
 * The member card's QR code as a matrix of dark modules. The QR library
 * (qrcode-generator, 7.6 KB gzip) is imported on demand, so it is loaded when
 * the member opens the card and not with the popup's first paint.
 */
export type QrMatrix = boolean[][];

export async function qrMatrix(text: string): Promise<QrMatrix> {
  const { default: qrcode } = await import('qrcode-generator');
  const code = qrcode(0, 'M');
  code.addData(text);
  code.make();
  const size = code.getModuleCount();
  return Array.from({ length: size }, (_row, r) => Array.from({ length: size }, (_col, c) => code.isDark(r, c)));
}

/** One SVG path ("M x y h1 v1 h-1 z" per dark module), so the code draws as a single element. */
export function qrPath(matrix: QrMatrix, margin: number): string {
  let path = '';
  matrix.forEach((row, r) => {
    row.forEach((dark, c) => {
      if (dark) path += `M${c + margin} ${r + margin}h1v1h-1z`;
    });
  });
  return path;
}
