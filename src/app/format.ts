import { CAUSE_NAMES } from '../core/isa/table';

export const hex = (v: number, digits = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(digits, '0');
export const modeName = (m: number): string => (m === 0 ? 's' : 'u');
export const causeName = (c: number): string => CAUSE_NAMES[c] ?? `cause ${c}`;
/** 1,234,567 without Intl (toLocaleString is slow enough to show up at 60 frames a second). */
export const fmtInt = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
export function fmtRate(ips: number): string {
  if (ips >= 1e9) return (ips / 1e9).toFixed(2) + ' G/s';
  if (ips >= 1e6) return (ips / 1e6).toFixed(1) + ' M/s';
  if (ips >= 1e3) return (ips / 1e3).toFixed(1) + ' k/s';
  return ips.toFixed(0) + ' /s';
}
