import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deployNoteText } from '../../../shared/i18n/deploy-notes/deploy-note-text.ts';
import { describeFacts, firewalldOverlap, nftAdvice, parseHostFirewall, planHostFirewall, ufwDeletedNothing, ufwForeignRule, portSpec, type HostFirewallFacts } from './host-firewall.ts';

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

  test('a port range as ufw and iptables -S write it: FROM:TO, one port alone', () => {
    assert.equal(portSpec({ from: 10001, to: 29999 }), '10001:29999');
    assert.equal(portSpec({ from: 23000, to: 23000 }), '23000');
  });

  // `ufw show added` and `ufw delete` as Debian's ufw 0.36.2 prints them.
  const SHOW_ADDED = [
    "Added user rules (see 'ufw status' for running firewall):",
    'ufw allow 22/tcp',
    "ufw allow 20001:20999/tcp comment 'keyport'",
    'ufw allow 30001:30999/tcp',
    "ufw allow 40001:40999/tcp comment 'mine'",
    'ufw allow from 203.0.113.7 to any port 50001:50999 proto tcp',
  ].join('\n');

  test("in words: an active ufw's own DROP policy on INPUT is not named as a second firewall", () => {
    const said = (facts: HostFirewallFacts) => deployNoteText([describeFacts(facts)], 'en');
    assert.equal(said({ ...NONE, ufwActive: true, iptablesDrops: ['v4', 'v6'] }), 'ufw active');
    assert.equal(said({ ...NONE, iptablesDrops: ['v4', 'v6'] }), 'iptables INPUT drops; ip6tables INPUT drops');
    assert.equal(said({ ...NONE, firewalldRunning: true, iptablesDrops: ['v4'] }), 'firewalld running; iptables INPUT drops');
    assert.equal(said(NONE), 'no host firewall drops incoming connections');
  });

  test("a ufw rule for exactly the range that is not Keyport's (another comment, or none)", () => {
    assert.equal(ufwForeignRule(SHOW_ADDED, { from: 20001, to: 20999 }), null, "Keyport's own");
    assert.equal(ufwForeignRule(SHOW_ADDED, { from: 30001, to: 30999 }), 'ufw allow 30001:30999/tcp');
    assert.equal(ufwForeignRule(SHOW_ADDED, { from: 40001, to: 40999 }), "ufw allow 40001:40999/tcp comment 'mine'");
    assert.equal(ufwForeignRule(SHOW_ADDED, { from: 30001, to: 30998 }), null, 'another range is another rule');
    assert.equal(ufwForeignRule(SHOW_ADDED, { from: 50001, to: 50999 }), null, 'a rule for one source is another rule');
    assert.equal(ufwForeignRule(SHOW_ADDED, { from: 22, to: 22 }), 'ufw allow 22/tcp');
  });

  // `firewall-cmd --list-ports` as Debian's firewalld 1.3.3 prints it: merged entries, a lone port without -N.
  test("firewalld ports that are not Keyport's and overlap the range, and whether they open all of it", () => {
    const range = { from: 15001, to: 15099 };
    assert.equal(firewalldOverlap('', '', range), null);
    assert.equal(firewalldOverlap('22/tcp 15001-15099/udp 15100-15200/tcp', '14000-15000/tcp', range), null, 'udp, and ports next to the range, do not overlap');
    assert.deepEqual(firewalldOverlap('15050/tcp 53/udp', '15050/tcp', range), { entries: ['15050/tcp'], covered: false });
    assert.deepEqual(firewalldOverlap('', '15090-15200/tcp', range), { entries: ['15090-15200/tcp'], covered: false }, 'permanent only');
    assert.deepEqual(firewalldOverlap('15001-15099/tcp', '15001-15099/tcp', range), { entries: ['15001-15099/tcp'], covered: true });
    assert.deepEqual(firewalldOverlap('10000-30000/tcp', '15001-15049/tcp 15050-15099/tcp', range), { entries: ['10000-30000/tcp', '15001-15049/tcp', '15050-15099/tcp'], covered: true });
    assert.deepEqual(firewalldOverlap('15001-15099/tcp', '', range), { entries: ['15001-15099/tcp'], covered: false }, 'open at runtime only: gone at the next reload');
    assert.deepEqual(firewalldOverlap('23000/tcp', '23000/tcp', { from: 23000, to: 23000 }), { entries: ['23000/tcp'], covered: true });
  });

  test('ufw delete that matched nothing (it exits 0 all the same)', () => {
    assert.equal(ufwDeletedNothing('Could not delete non-existent rule\nCould not delete non-existent rule (v6)\n'), true);
    assert.equal(ufwDeletedNothing('Rule deleted\nRule deleted (v6)\n'), false);
    assert.equal(ufwDeletedNothing('Rule deleted\nCould not delete non-existent rule (v6)\n'), false, 'one family deleted is a deletion');
  });
});
