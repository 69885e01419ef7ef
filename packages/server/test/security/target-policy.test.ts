import { describe, expect, it } from 'vitest';
import { TargetPolicy } from '../../src/security/target-policy.js';

const policy = new TargetPolicy({
  allowPrivate: false,
  allow: ['10.20.0.0/16'],
  resolve: async () => [{ address: '192.0.2.10', family: 4 }],
});
const refuses = (address: string) => {
  try {
    policy.checkAddress(address);
    return false;
  } catch {
    return true;
  }
};

describe('TargetPolicy', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '10.0.0.1',
    '172.16.5.5',
    '192.168.0.1',
    '169.254.169.254',
    '100.100.100.200',
    '224.0.0.1',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    'fd00:ec2::254',
    'fe80::1',
    'ff02::1',
  ])('refuses the special-purpose address %s', (address) => {
    expect(refuses(address)).toBe(true);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2001:4860:4860::8888'])('allows the public address %s', (address) => {
    expect(refuses(address)).toBe(false);
  });

  it('allows a private address inside a configured network', () => {
    expect(refuses('10.20.3.4')).toBe(false);
  });

  it('refuses a host name by the address it resolves to', async () => {
    await expect(policy.check('https://as.example.com/notify')).rejects.toThrow(/as\.example\.com resolves to 192\.0\.2\.10/);
  });

  it('allows every address when private targets are allowed', async () => {
    await expect(new TargetPolicy({ allowPrivate: true }).check('http://127.0.0.1:9/as')).resolves.toBeUndefined();
  });
});
