import { InvalidArgumentError } from 'commander';

/** A commander argument parser of a positive number of seconds (`true` passes through for an optional value). */
export function positiveSeconds(flag: string): (value: string) => number {
  return (value) => {
    const seconds = Number(value);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError(`${flag} takes a positive number of seconds.`);
    return seconds;
  };
}

/** A commander argument parser of a TCP port (0 picks a free one). */
export function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535)
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return number;
}
