import { Box, Button, Group, Input, Text } from '@mantine/core';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import SignaturePadEngine from 'signature_pad';
import { padProblemKey, readSignature, type PadProblem, type Signature } from '../lib/signature.ts';

export type { Signature } from '../lib/signature.ts';

/** Dark ink on white paper in either colour scheme: the picture is printed on forms later. */
const INK = 'rgb(26, 27, 30)';
/** A problem shows once the signer pauses, not between the strokes of a name. */
const PROBLEM_AFTER_MS = 1_200;

/**
 * A signature drawn with the mouse, a pen or a finger (the `signature_pad` library on a canvas).
 * `onChange` gets the signature after each stroke, or null while the pad is empty or holds only
 * a dot or a tick (the message saying so shows when the signer pauses). The drawing survives the
 * pad being resized or moved to a screen of another pixel density: the strokes are kept (in CSS
 * pixels) and drawn again; a pad made narrower than the signature hides its end until it widens,
 * but the strokes handed over are whole. Keyboard: the pad takes the focus; Delete or Backspace
 * clears it, as does Clear.
 */
export function SignaturePad(props: {
  label: string;
  onChange: (signature: Signature | null) => void;
  /** The pad's height in CSS pixels; its width is the width it is given. */
  height?: number;
  /** The form's own message (a signature is required, say); the pad's own takes precedence. */
  error?: string | undefined;
  required?: boolean;
}) {
  const { t } = useTranslation();
  const height = props.height ?? 160;
  const canvas = useRef<HTMLCanvasElement>(null);
  const clearPad = useRef<() => void>(() => undefined);
  const onChange = useRef(props.onChange);
  useEffect(() => {
    onChange.current = props.onChange;
  });
  /** Something is drawn (Clear has work to do), and whether it is taken as a signature. */
  const [drawn, setDrawn] = useState(false);
  const [signed, setSigned] = useState(false);
  const [problem, setProblem] = useState<PadProblem | null>(null);
  const id = useId();

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const pad = new SignaturePadEngine(el, { penColor: INK });
    let size = { width: 0, height: 0, ratio: 0 };
    let problemTimer: ReturnType<typeof setTimeout> | undefined;

    /** Tells the form what the pad holds now. */
    const report = () => {
      const strokes = pad.toData();
      const read = readSignature({
        png: strokes.length > 0 ? pad.toDataURL('image/png') : '',
        strokes,
        width: size.width,
        height: size.height,
      });
      setDrawn(strokes.length > 0);
      setSigned(read.signature !== null);
      clearTimeout(problemTimer);
      setProblem(null);
      if (read.problem) {
        const shown = read.problem;
        problemTimer = setTimeout(() => setProblem(shown), PROBLEM_AFTER_MS);
      }
      onChange.current(read.signature);
    };

    /**
     * Sizes the canvas's pixels to its box at the screen's density, then draws the strokes
     * again (a canvas is wiped when its size is set). Skipped while the pad is not laid out.
     */
    const fit = () => {
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      const box = { width: el.offsetWidth, height: el.offsetHeight, ratio };
      if (!box.width || !box.height) return;
      if (box.width === size.width && box.height === size.height && ratio === size.ratio) return;
      size = box;
      el.width = Math.round(box.width * ratio);
      el.height = Math.round(box.height * ratio);
      el.getContext('2d')?.scale(ratio, ratio);
      pad.redraw();
      // The picture's pixels changed with the pad: the form gets the new one.
      if (pad.toData().length > 0) report();
    };

    // A window dragged to a screen of another density: a new pixel ratio, maybe no resize of
    // the pad (the media query says so; a window resize is the fallback where it does not).
    let density: MediaQueryList | null = null;
    const onDensity = () => {
      fit();
      watchDensity();
    };
    const watchDensity = () => {
      density?.removeEventListener('change', onDensity);
      density = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
      density.addEventListener('change', onDensity);
    };

    const onBegin = () => {
      clearTimeout(problemTimer);
      setProblem(null);
    };
    pad.addEventListener('beginStroke', onBegin);
    pad.addEventListener('endStroke', report);
    const resize = new ResizeObserver(fit);
    resize.observe(el);
    window.addEventListener('resize', fit);
    watchDensity();
    fit();
    clearPad.current = () => {
      pad.clear();
      report();
    };
    return () => {
      clearTimeout(problemTimer);
      resize.disconnect();
      window.removeEventListener('resize', fit);
      density?.removeEventListener('change', onDensity);
      pad.removeEventListener('beginStroke', onBegin);
      pad.removeEventListener('endStroke', report);
      pad.off();
      clearPad.current = () => undefined;
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (e.key !== 'Delete' && e.key !== 'Backspace') return;
    e.preventDefault();
    clearPad.current();
  };
  const status = signed ? t('signature.signed') : t('signature.notSigned');
  const error = problem ? t(padProblemKey(problem)) : props.error;
  // The wrapper names its parts `${id}-label`, `-description` and `-error`.
  const describedBy = [`${id}-description`, error ? `${id}-error` : '', `${id}-status`];

  return (
    <Input.Wrapper
      id={id}
      label={props.label}
      labelElement="div"
      description={t('signature.hint')}
      error={error}
      required={props.required ?? false}
    >
      <Box
        pos="relative"
        mt={4}
        bg="white"
        style={{
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-sm)',
        }}
      >
        <canvas
          ref={canvas}
          tabIndex={0}
          role="img"
          aria-labelledby={`${id}-label`}
          aria-describedby={describedBy.filter(Boolean).join(' ')}
          onKeyDown={onKeyDown}
          className="mantine-focus-auto"
          data-testid="signature-pad"
          data-signed={signed}
          style={{
            display: 'block',
            width: '100%',
            height,
            touchAction: 'none',
            cursor: 'crosshair',
            borderRadius: 'var(--mantine-radius-sm)',
          }}
        />
        {/* A signing line and "Sign here", under the ink and out of the pointer's way. */}
        <Box
          aria-hidden
          pos="absolute"
          left={24}
          right={24}
          bottom={Math.round(height / 4)}
          style={{
            borderBottom: '1px solid var(--mantine-color-gray-4)',
            pointerEvents: 'none',
          }}
        >
          {!drawn && (
            <Text size="sm" c="gray.6" mb={4}>
              × {t('signature.placeholder')}
            </Text>
          )}
        </Box>
      </Box>
      <Group justify="space-between" mt={4}>
        <Text id={`${id}-status`} size="xs" c="dimmed" role="status">
          {status}
        </Text>
        <Button size="xs" variant="default" onClick={() => clearPad.current()} disabled={!drawn}>
          {t('signature.clear')}
        </Button>
      </Group>
    </Input.Wrapper>
  );
}
