import { deployNote } from '../../../shared/contract/deploy-notes.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import type { StepOutcome } from './progress-steps.ts';
import { SUBSCRIPTION_CERT_FILE, SUBSCRIPTION_KEY_FILE } from './remote-layout.ts';
import type { SubscriptionPlan } from './subscription-plan.ts';

const FILES = [SUBSCRIPTION_CERT_FILE, SUBSCRIPTION_KEY_FILE].map(shellQuote).join(' ');

/**
 * The `subscriptions` step, before the agent starts: puts the plan's certificate and key beside the
 * agent's data (each travels over stdin into a 0600 file beside its place, then renamed over it:
 * never half there, never readable by others), or checks that the ones a redeploy keeps are there.
 * The paths are fixed; nothing the admin typed reaches a command.
 */
export async function placeSubscriptionFiles(host: RemoteHost, plan: SubscriptionPlan | null): Promise<StepOutcome<void>> {
  if (!plan) return { value: undefined, notes: [deployNote('subscriptionsOff')], skipped: true };
  const where = { port: plan.port, urlBase: plan.urlBase };
  if (!plan.tls) return { value: undefined, notes: [deployNote('subscriptionsPlainHttp', where)] };
  const { certificate, upload, namesHost } = plan.tls;
  const described = { ...where, subject: certificate.subject || deployNote('certificateNoSubject'), notAfter: certificate.notAfter };
  if (!upload) {
    const present = await host.run(`test -s ${shellQuote(SUBSCRIPTION_CERT_FILE)} && test -s ${shellQuote(SUBSCRIPTION_KEY_FILE)}`);
    if (present.exitCode !== 0) {
      throw new KeyportError(
        'certificate-refused',
        `the server no longer has the subscription certificate and key an earlier deploy put in ${SUBSCRIPTION_CERT_FILE} and ${SUBSCRIPTION_KEY_FILE}: give them again, or serve plain HTTP`,
        { problem: 'missing-on-server', file: SUBSCRIPTION_CERT_FILE },
      );
    }
    const expired = Date.parse(certificate.notAfter) < Date.now() ? [deployNote('certificateExpired')] : [];
    return { value: undefined, notes: [deployNote('subscriptionsCertificateKept', described), ...expired] };
  }
  await host.writeFile(SUBSCRIPTION_KEY_FILE, upload.keyPem, 0o600);
  await host.writeFile(SUBSCRIPTION_CERT_FILE, upload.certPem, 0o600);
  const unnamed = namesHost === false ? [deployNote('certificateNamesOtherHost')] : [];
  const placed = deployNote('subscriptionsCertificateUploaded', { ...described, certFile: SUBSCRIPTION_CERT_FILE, keyFile: SUBSCRIPTION_KEY_FILE });
  return { value: undefined, notes: [placed, ...unnamed] };
}

/** The certificate the subscription listener serves (PEM, public), or null when the server has none. */
export async function readSubscriptionCertificate(host: RemoteHost): Promise<string | null> {
  const read = await host.run(`head -c 262144 ${shellQuote(SUBSCRIPTION_CERT_FILE)}`);
  return read.exitCode === 0 && read.stdout.includes('-----BEGIN CERTIFICATE-----') ? read.stdout : null;
}

/** Once a release without HTTPS subscriptions is healthy: the certificate and key an earlier deploy put there go. Says whether there were any. */
export async function removeSubscriptionFiles(host: RemoteHost): Promise<boolean> {
  const removed = await host.check(`if [ -e ${shellQuote(SUBSCRIPTION_CERT_FILE)} ] || [ -e ${shellQuote(SUBSCRIPTION_KEY_FILE)} ]; then rm -f ${FILES}; echo removed; fi`);
  return removed.trim() === 'removed';
}
