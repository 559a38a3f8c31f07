// Code page 437, the receipt printers' factory default (ESC t 0 on Epson, ESC GS t 1 on Star):
// what bytes 0x80–0xFF print as. The layout keeps text to characters this page has, so one
// character is one column and the library never has to switch code pages mid-line.

/** The characters printed for bytes 0x80 to 0xFF, in order. */
export const cp437High =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const high = new Set(cp437High);

/** Whether a single character prints as itself on code page 437. */
export const inCp437 = (char: string): boolean =>
  char.length === 1 && ((char >= ' ' && char <= '~') || (high.has(char) && char !== '\u00a0'));
