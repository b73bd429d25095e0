import { staffDirectory } from '../../src/web/staff-users';

describe('staffDirectory', () => {
  test('When the right password is given, then the user is returned; otherwise nothing', async () => {
    const users = await staffDirectory([
      { username: 'admin', password: 'correct horse' },
      { username: 'eve', password: 'battery staple' },
    ]);
    expect(await users.verify('admin', 'correct horse')).toEqual({
      username: 'admin',
      via: 'local',
    });
    expect(await users.verify(' ADMIN ', 'correct horse')).toEqual({
      username: 'admin',
      via: 'local',
    });
    expect(await users.verify('admin', 'battery staple')).toBeUndefined();
    expect(await users.verify('admin', '')).toBeUndefined();
    expect(await users.verify('mallory', 'correct horse')).toBeUndefined();
  });

  test('When the directory is built, then it does not hold the plaintext passwords', async () => {
    const users = await staffDirectory([{ username: 'admin', password: 'plaintext-secret' }]);
    expect(JSON.stringify(users)).not.toContain('plaintext-secret');
  });
});
