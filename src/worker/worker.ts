import { expose } from 'comlink';
import { installErrorTransferHandler } from '../shared/errorTransfer';
import { createEngine } from './createEngine';

installErrorTransferHandler();
expose(createEngine());
