import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nftAdvice, parseHostFirewall, planHostFirewall } from './host-firewall.ts';

const NONE = { ufwActive: false, firewalldRunning: false, iptablesDrops: [], nftDrops: [] };

/** The detection script's output as real servers print it (ufw status, firewall-cmd --state, iptables -S, nft list ruleset). */
describe('host firewall detection', () => {
  test('ufw counts only when its status says active', () => {
    assert.equal(parseHostFirewall('ufw Status: active\n').ufwActive, true);
    assert.equal(parseHostFirewall('ufw Status: inactive\n').ufwActive, false);
    assert.equal(parseHostFirewall('ufw \n').ufwActive, false, 'not root, or it printed an error');
  });

  test('firewalld counts only when running', () => {
    assert.equal(parseHostFirewall('firewalld running\n').firewalldRunning, true);
    assert.equal(parseHostFirewall('firewalld not running\n').firewalldRunning, false);
  });

  test('iptables drops by policy or by a last catch-all DROP or REJECT, per family', () => {
    const output = [
      '-P INPUT DROP',
      '-A INPUT -i lo -j ACCEPT',
      '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ].map((line) => `v4 ${line}`);
    assert.deepEqual(parseHostFirewall(output.join('\n')).iptablesDrops, ['v4']);
    const rejecting = ['v4 -P INPUT ACCEPT', 'v4 -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', 'v4 -A INPUT -j REJECT --reject-with icmp-host-prohibited', 'v6 -P INPUT ACCEPT', 'v6 -A INPUT -j DROP'];
    assert.deepEqual(parseHostFirewall(rejecting.join('\n')).iptablesDrops, ['v4', 'v6']);
    const narrow = ['v4 -P INPUT ACCEPT', 'v4 -A INPUT -s 203.0.113.7/32 -j DROP'];
    assert.deepEqual(parseHostFirewall(narrow.join('\n')).iptablesDrops, [], 'a drop of one source is not a default drop');
  });

  test("nftables: a dropping input hook in the admin's own table, not iptables-nft's or firewalld's", () => {
    const ruleset = [
      'table inet filter {',
      '\tchain input {',
      '\t\ttype filter hook input priority filter; policy drop;',
      '\tchain forward {',
      '\t\ttype filter hook forward priority filter; policy drop;',
      'table ip filter {',
      '\tchain INPUT {',
      '\t\ttype filter hook input priority filter; policy drop;',
      'table inet firewalld {',
      '\tchain filter_INPUT {',
      '\t\ttype filter hook input priority filter + 10; policy drop;',
      'table ip nat {',
      '\tchain PREROUTING {',
    ].map((line) => `nft ${line}`);
    const facts = parseHostFirewall(ruleset.join('\n'));
    assert.deepEqual(facts.nftDrops, [{ family: 'inet', table: 'filter', chain: 'input' }]);
    assert.equal(nftAdvice(facts.nftDrops[0]!, { from: 10001, to: 29999 }), 'nft insert rule inet filter input tcp dport 10001-29999 accept');
  });

  test('ufw, then firewalld, own the rules when active; else the agent opens the families that drop', () => {
    assert.deepEqual(planHostFirewall({ ...NONE, ufwActive: true, firewalldRunning: true, iptablesDrops: ['v4'] }), { kind: 'ufw' });
    assert.deepEqual(planHostFirewall({ ...NONE, firewalldRunning: true, iptablesDrops: ['v4'] }), { kind: 'firewalld' });
    assert.deepEqual(planHostFirewall({ ...NONE, iptablesDrops: ['v6'] }), { kind: 'iptables', families: ['v6'] });
    assert.deepEqual(planHostFirewall(NONE), { kind: 'none' });
  });
});
