/** The benchmark lab: a client and a responder host on one bridge, and the IPs each responder answers. */
import { createLab, type Host, type Lab } from '../../src/lab/index.ts';

/** Configured on the responder's eth0: the kernel answers it. */
export const KERNEL_IP = '192.0.2.20';
/** Configured nowhere: only the C responder answers it. */
export const C_RESPONDER_IP = '192.0.2.30';
/** A LoadBalancer IP in the speaker's pool, configured nowhere: only l2speaker answers it. */
export const SPEAKER_VIP = '192.0.2.201';
export const CLIENT_IP = '192.0.2.10';

export interface BenchLab {
  lab: Lab;
  client: Host;
  responder: Host;
}

export async function createBenchLab(): Promise<BenchLab> {
  const lab = await createLab({ prefix: 'lb' });
  try {
    const client = await lab.addHost('cli', { ipv4: `${CLIENT_IP}/24` });
    const responder = await lab.addHost('rsp', { ipv4: `${KERNEL_IP}/24` });
    return { lab, client, responder };
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}
