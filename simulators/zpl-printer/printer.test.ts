// The simulated Zebra printer, over real TCP on 127.0.0.1: what it records, how it splits
// labels, what it answers to ~HS, and switching off and on at the same port.
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fieldsOf, hostStatus, labelsOf, startZplPrinter } from './printer.ts';

/** Sends `text`, half-closes, and gives back everything the printer said. */
function talk(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (reply += c));
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
    socket.end(text);
  });
}

describe('the ZPL printer simulator', () => {
  it('splits a job into labels, once per ^PQ copy', () => {
    const job = '^XA^FO1,1^FDone^FS^XZ\n^XA^FO1,1^FDtwo^FS^PQ3^XZ';
    expect(labelsOf(job).map(fieldsOf)).toEqual([['one'], ['two'], ['two'], ['two']]);
  });

  it('reads fields back as printed: ^FH escapes and Code 128 invocation codes decoded', () => {
    const label = '^FO1,1^A0N,20,20^FH^FDa_5Eb_5F^FS^FO1,30^FD_5E^FS^FO1,60^BCN,50^FDx>0>=><^FS';
    expect(fieldsOf(label)).toEqual(['a^b_', '_5E', 'x>~^']);
  });

  it('records each job’s ZPL and answers ~HS as its state says', async () => {
    const sim = await startZplPrinter();
    onTestFinished(() => sim.stop());
    sim.state.paperOut = true;
    const reply = await talk(sim.port, '~HS^XA^FO1,1^FDhi^FS^XZ');
    expect(reply).toBe(hostStatus(sim.state).toString('latin1'));
    expect(reply.split('\r\n')[0]).toBe('\x02030,1,0,0254,000,0,0,0,000,0,0,0\x03');
    expect(await sim.waitForLabels(1)).toEqual(['^FO1,1^FDhi^FS']);
    expect(sim.jobs).toEqual(['^XA^FO1,1^FDhi^FS^XZ']);
    expect(sim.statusRequests).toBe(1);
  });

  it('keeps quiet on ~HS when told to, like firmware that does not answer in a fault', async () => {
    const sim = await startZplPrinter();
    onTestFinished(() => sim.stop());
    sim.answersStatus = false;
    expect(await talk(sim.port, '~HS')).toBe('');
    expect(sim.jobs).toEqual([]);
  });

  it('refuses connections while offline and takes jobs again on the same port once online', async () => {
    const sim = await startZplPrinter();
    onTestFinished(() => sim.stop());
    const port = sim.port;
    await sim.offline();
    await expect(talk(port, '^XA^XZ')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await sim.online();
    expect(sim.port).toBe(port);
    await talk(port, '^XA^FO1,1^FDback^FS^XZ');
    expect((await sim.waitForLabels(1)).map(fieldsOf)).toEqual([['back']]);
  });
});
