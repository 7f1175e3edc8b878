import { describe, expect, it } from 'vitest';
import { applyMasks, parseKeyValueFile, parseLog } from '../../src/runner/commands.js';

describe('parseKeyValueFile', () => {
  it('reads heredoc blocks and plain lines, the later value winning', () => {
    const content = 'a<<ghadelimiter_1\nline 1\nline 2\nghadelimiter_1\nb=plain\na<<D\nagain\nD\n';
    expect(parseKeyValueFile(content)).toEqual({ a: 'again', b: 'plain' });
  });

  it('keeps an empty value and a value containing the = sign', () => {
    expect(parseKeyValueFile('e<<X\n\nX\nq=a=b\n')).toEqual({ e: '', q: 'a=b' });
  });

  it('refuses an unterminated block', () => {
    expect(() => parseKeyValueFile('a<<X\nnever closed\n')).toThrow(/unterminated value for 'a'/);
  });
});

describe('parseLog', () => {
  it('unescapes data and properties as the runner does', () => {
    const log = parseLog('::notice title=a%2Cb::100%25 done%0Dx');
    expect(log.annotations).toEqual([
      { level: 'notice', message: '100% done\rx', properties: { title: 'a,b' } },
    ]);
  });

  it('drops debug and endgroup lines from what a person reads', () => {
    expect(parseLog('::debug::hidden\n::group::G\nshown\n::endgroup::').lines).toEqual(['▸ G', 'shown']);
  });
});

describe('applyMasks', () => {
  it('masks the longest secret first so a secret containing another is fully hidden', () => {
    expect(applyMasks('abc abcdef', ['abc', 'abcdef'])).toBe('*** ***');
  });
});
